"""The consumer contract suite of eFrikort GetCardForPerson and GetExtendedCard."""
