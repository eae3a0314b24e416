"""Producer suites: the test suites a contract's owners publish with each release, which every
producer must pass before it is connected to the national platform, implemented in Python from
the published facts (test case ids, what each case sends and asserts, the Schematron rules).

An upstream names its contract's suite in its declaration (`Upstream.producer_suite`, a folder
here); `etjanst contracts --suite producer` runs it against the built-in mock or a real producer.
"""
