"""/_debug under `etjanst up` as a user runs it: gunicorn worker processes, each with its own
runtime. A page shows every request, whichever worker served it and whichever serves the page."""

from __future__ import annotations

import re

import requests

from gateway.auth import mint_token
from tests.conftest import SECRET, TENHULT
from tests.debug_support import ADULT_RULES, DEBUG_TOKEN
from tests.integration.test_etjanst_up import serving

DEBUG_ON = {"ETJANST_DEBUG__ENABLED": "true", "ETJANST_DEBUG__TOKEN": DEBUG_TOKEN}


def test_every_worker_journals_into_one_page() -> None:
    with serving("up", "--workers", "2", "--threads", "2", ready="/readyz", env=DEBUG_ON) as url:
        auth = {"Authorization": f"Bearer {mint_token(SECRET, ADULT_RULES)}"}
        for n in range(8):  # fresh connections: gunicorn spreads them over both workers
            headers = {**auth, "X-Correlation-ID": f"worker-test-{n}"}
            response = requests.get(
                f"{url}/v1/units/{TENHULT}/ordinations", headers=headers, timeout=30
            )
            assert response.status_code == 200
        for _ in range(3):  # whichever worker serves the page
            page = requests.get(f"{url}/_debug", auth=("staff", DEBUG_TOKEN), timeout=30).text
            shown = set(re.findall(r"worker-test-(\d)", page))
            assert shown == {str(n) for n in range(8)}
            assert page.count("cosmic GetMedicationHistory: ok") == 8
