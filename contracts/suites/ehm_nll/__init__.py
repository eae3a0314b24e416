"""Consumer contract suite of the national medication list (FHIR)."""
