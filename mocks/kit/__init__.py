"""Machinery shared by every mock: SOAP envelopes and faults, XSD validation, shared state
(dataset, stubs, faults, journal) and the admin API."""
