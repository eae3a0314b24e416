"""The national medication list mock's default dataset: synthetic patients whose prescriptions
exercise every rule of "prescriptions left to collect", dated relative to 'today'."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mocks.people import identity, years_before

ADULT = "196804152384"  # the same synthetic adult as the Cosmic dataset's 'adult-rules'
NO_PRESCRIPTIONS = "198306213169"
ALVEDON, WARAN, ENALAPRIL = "19750613000024", "19580101000051", "19970124000116"
PRESCRIBER = "Anna Andersson, Tenhults vårdcentral"


def _rx(today: date, rx_id: str, name: str, **fields: Any) -> dict[str, Any]:
    """An active prescription, written 30 days ago, valid a year, one repeat, 100 tablets in
    all; `fields` change what a case is about."""
    return {
        "id": rx_id,
        "status": "active",
        "authoredOn": (today - timedelta(days=30)).isoformat(),
        "name": name,
        "dosage": "1 tablett 1 gång dagligen",
        "reason": "mot högt blodtryck",
        "prescriber": PRESCRIBER,
        "validFrom": (today - timedelta(days=30)).isoformat(),
        "validUntil": (today + timedelta(days=335)).isoformat(),
        "repeats": 1,
        "quantity": 100,
        "unit": "tablett",
        **fields,
    }


def _dispense(today: date, dispense_id: str, quantity: float, **fields: Any) -> dict[str, Any]:
    handed = (today - timedelta(days=20)).isoformat()
    return {
        "id": dispense_id,
        "status": "completed",
        "quantity": quantity,
        "handedOver": handed,
        **fields,
    }


def _adult(today: date) -> dict[str, Any]:
    day = timedelta(days=1)
    rx = []
    # listed ------------------------------------------------------------------------------
    rx.append(
        _rx(
            today,
            "RX-one-dispensed",
            "Enalapril Actavis 10 mg tablett",
            nplId=ENALAPRIL,
            repeats=2,
            quantity=300,
            dispenses=[_dispense(today, "D-1", 100)],
        )
    )
    rx.append(
        _rx(
            today,
            "RX-last-valid-day",
            "Alvedon 500 mg tablett",
            nplId=ALVEDON,
            validUntil=today.isoformat(),
            reason="vid smärta",
            dosage="1-2 tabletter vid behov, högst 8 per dygn",
        )
    )
    rx.append(
        _rx(
            today,
            "RX-no-quantity",
            "Kaliumklorid mixtur 1 mmol/ml (extempore)",
            quantity=None,
            unit=None,
            repeats=None,
            reason=None,
            prescriber=None,
            validUntil=(today + 10 * day).isoformat(),
        )
    )
    rx.append(
        _rx(
            today,
            "RX-in-progress-not-counted",
            "Waran 2,5 mg tablett",
            nplId=WARAN,
            repeats=0,
            dosage="enligt ordination",
            reason="blodförtunnande",
            dispenses=[
                _dispense(today, "D-2", 100, status="in-progress"),
                _dispense(today, "D-3", 100, status="cancelled"),
            ],
        )
    )
    # never listed ------------------------------------------------------------------------
    rx.append(
        _rx(
            today,
            "RX-expired-yesterday",
            "Alvedon 500 mg tablett",
            nplId=ALVEDON,
            validUntil=(today - day).isoformat(),
        )
    )
    for status in ("cancelled", "stopped", "completed", "entered-in-error", "draft", "on-hold"):
        rx.append(_rx(today, f"RX-{status}", "Simvastatin Teva 20 mg tablett", status=status))
    rx.append(
        _rx(
            today,
            "RX-all-dispensed",
            "Metformin Sandoz 500 mg tablett",
            repeats=1,
            quantity=None,
            unit=None,
            dispenses=[_dispense(today, "D-4", 50), _dispense(today, "D-5", 50)],
        )
    )
    rx.append(
        _rx(
            today,
            "RX-quantity-used-up",
            "Levaxin 100 mikrog tablett",
            repeats=3,
            dispenses=[_dispense(today, "D-6", 100)],
        )
    )
    return {"id": ADULT, "label": "left-to-collect", "prescriptions": rx}


def default_dataset(today: date) -> dict[str, Any]:
    child_12 = identity(years_before(today, 12) - timedelta(days=100), 185)
    child_13 = identity(years_before(today, 13), 193)
    return {
        "patients": [
            _adult(today),
            {
                "id": child_12,
                "label": "child-12",
                "prescriptions": [
                    _rx(
                        today,
                        "RX-child",
                        "Kåvepenin 250 mg/5 ml oral lösning",
                        quantity=200,
                        unit="ml",
                        repeats=0,
                        reason="mot halsfluss",
                        prescriber="Bo Berg, Tenhults vårdcentral",
                    )
                ],
            },
            {
                "id": child_13,
                "label": "child-turns-13-today",
                "prescriptions": [_rx(today, "RX-teen", "Alvedon 500 mg tablett")],
            },
            {"id": NO_PRESCRIPTIONS, "label": "no-prescriptions", "prescriptions": []},
        ]
    }
