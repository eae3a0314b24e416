"""The producer test suite of GetMedicationHistory 2.1 (clinicalprocess:activityprescription:
actoutcome): its test cases, with the suite's own ids, and its Schematron constraints."""
