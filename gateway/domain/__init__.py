"""Pure rules and models. Imports nothing from Flask, zeep or requests, and never reads the clock."""
