"""Contract suite for Cosmic's GetMedicationHistory v2 (RIVTABP21)."""
