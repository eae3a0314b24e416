"""The population register: LookupResidentForFullProfile (population:residentmaster 1.1)."""
