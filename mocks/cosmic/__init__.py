"""Cambio Cosmic: GetMedicationHistory v2 (ordinations for renew prescription)."""
