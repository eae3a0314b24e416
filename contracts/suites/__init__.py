"""The consumer contract suites: what the gateway relies on from each upstream, written once and
run by `etjanst contracts` (contracts/runner.py) against the built-in mocks or a real producer.

One package per upstream. A suite never knows which kind of target it runs against except
through the `target` fixture, and only test data differs between the two.
"""
