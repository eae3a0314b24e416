"""The contract run's report (`etjanst contracts --report FILE.html`): every test's outcome per
upstream and operation, and the drift every answer of the run showed against our contract
documents, as one self-contained HTML page and its JSON twin (`report.schema.json`).

Drift is found the same way for every suite, from what went over the wire: each answer is held
against the upstream's own XSD (SOAP) or OpenAPI document (REST), so a suite needs no code of
its own to be covered.
"""
