"""One module per e-service: asks the domain, calls upstream clients, returns domain results."""
