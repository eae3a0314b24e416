"""Contract suite for the population register's LookupResidentForFullProfile 1.1 (RIVTABP21)."""
