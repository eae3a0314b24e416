"""HTTP layer: one blueprint per citizen service, thin views, problem+json errors."""
