"""Debugging for integration staff: the gateway's own journal of its upstream exchanges, the
/_debug page that shows it, and the wire formatting `etjanst call` shares with it. Nothing here
runs unless `debug.enabled` (the page, the journal) or `etjanst call` asks for it."""
