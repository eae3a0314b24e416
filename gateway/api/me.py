"""GET /v1/me: who the caller is, whom they act for, and the children they may switch to (the
e-services' "act for my child" menu). Names come from the population register."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from gateway.api.guards import authenticated_caller
from gateway.runtime import runtime
from gateway.services.guardianship import Profile, Someone

blueprint = Blueprint("me", __name__)


@blueprint.get("/v1/me")
def me() -> Response:
    return jsonify(render(runtime().guardianship.profile(authenticated_caller())))


def render(profile: Profile) -> dict[str, object]:
    return {
        **person(profile.me),
        "actingFor": person(profile.acting_for) if profile.acting_for else None,
        "children": [
            {
                **person(child),
                "canActFor": child.refusal is None,
                "reason": child.refusal.value if child.refusal else None,
            }
            for child in profile.children
        ],
    }


def person(someone: Someone) -> dict[str, object]:
    return {"id": someone.identity.number, "name": someone.name, "age": someone.age}
