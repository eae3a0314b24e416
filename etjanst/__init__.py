"""The composition root: the `etjanst` command, and the server that puts the gateway and the
mocks on one port. The only package that knows both; they meet over HTTP only."""
