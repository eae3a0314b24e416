"""The consumer contract suite of the national listing service (carelisting v2)."""
