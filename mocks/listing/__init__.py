"""The national listing service mock (supportprocess:logistics:carelisting v2)."""
