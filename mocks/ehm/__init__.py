"""E-hälsomyndigheten's mocks: the national medication list (`nll.py`, FHIR REST) and the
high-cost database (`hkdb.py`, SOAP)."""
