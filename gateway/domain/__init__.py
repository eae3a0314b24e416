"""Pure rules and models: no Flask, zeep or requests, and never the clock."""
