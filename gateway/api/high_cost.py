"""GET /v1/high-cost/pharmaceuticals: the pharmaceutical high-cost account."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, jsonify

from gateway.api.guards import authenticated_caller
from gateway.domain.high_cost import AccountPeriod, Amounts, period_ladder
from gateway.runtime import runtime

blueprint = Blueprint("high_cost", __name__)


@blueprint.get("/v1/high-cost/pharmaceuticals")
def pharmaceuticals() -> Response:
    patient = authenticated_caller().patient
    view = runtime().high_cost_pharmaceuticals.account(patient)
    account = view.account
    current, ladder = account.current, period_ladder(account.current)
    zero = Amounts(Decimal(0), Decimal(0))
    return jsonify(
        enrolled=account.enrolled,
        period=_dates(current),
        paid=_amounts(current.paid if current else zero),
        discountPercent=account.discount_percent,
        leftUntilFreeCard=_amounts(account.left_until_free_card or zero),
        freeCard=(
            {
                "from": view.free_card_from.isoformat() if view.free_card_from else None,
                "to": current.end.isoformat(),
            }
            if current and current.end and view.free_card
            else None
        ),
        ladder=[
            {
                "fromGross": _kronor(step.from_gross),
                "toGross": None if step.to_gross is None else _kronor(step.to_gross),
                "patientPaysPercent": step.patient_pays_percent,
            }
            for step in (ladder.steps if ladder else ())
        ],
        previousPeriod=(
            None
            if account.previous is None
            else {"period": _dates(account.previous), "paid": _amounts(account.previous.paid)}
        ),
    )


def _kronor(value: Decimal) -> float:
    """Kronor with öre as a JSON number (two decimals at most)."""
    return float(round(value, 2))


def _amounts(amounts: Amounts) -> dict[str, float]:
    return {"gross": _kronor(amounts.gross), "net": _kronor(amounts.net)}


def _dates(period: AccountPeriod | None) -> dict[str, str | None] | None:
    if period is None or period.start is None or period.end is None:
        return None
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}
