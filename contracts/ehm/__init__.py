"""E-hälsomyndigheten's two upstreams: the national medication list (NLL, FHIR R4 REST,
`nll.py`) and the high-cost database (HKDB, SOAP se.apotekensservice:pris, `hkdb.py`), with
the dated ladders of the pharmaceutical high-cost protection both sides read (`ladders.py`)."""

from contracts import CONTRACTS_DIR

EHM_DIR = CONTRACTS_DIR / "ehm"
