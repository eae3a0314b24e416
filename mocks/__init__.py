"""Offline, stateful, contract-faithful mocks of the upstreams. Never imports the gateway."""
