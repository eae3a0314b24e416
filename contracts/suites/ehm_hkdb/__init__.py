"""Consumer contract suite of the high-cost database (HamtaHkdbKonto)."""
