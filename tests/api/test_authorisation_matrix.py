"""Who may do what, route by route: a role outside a route's row answers 403, a role inside it gets
past the role check (to 2xx, 404, 409, 415 or 422). A route missing from the table fails the test,
so every new route must declare who may call it."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from api.routers import ROUTERS
from dialer.auth.models import Role

A, S, C = Role.ADMIN, Role.SUPERVISOR, Role.CONTROLLER
EVERYONE = set(Role)
ADMIN = {A}
MANAGERS = {A, S}
CLIENT_READERS = {A, S, C}
STAFF_READERS = {A, S, Role.QA}
OPERATING = {A, S, Role.OPERATOR}
SESSION_READERS = {A, S, Role.QA, Role.OPERATOR}
RECORDING_READERS = {A, S, Role.QA, C}
QA_STAFF = {A, S, Role.QA}
SCORERS = {A, S, Role.QA, C}

MATRIX: dict[tuple[str, str], set[Role]] = {
    ("GET", "/auth/me"): EVERYONE,
    ("GET", "/users"): ADMIN,
    ("POST", "/users"): ADMIN,
    ("GET", "/users/{user_id}"): ADMIN,
    ("PATCH", "/users/{user_id}"): ADMIN,
    ("DELETE", "/users/{user_id}"): ADMIN,
    ("POST", "/users/{user_id}/unlock"): ADMIN,
    ("GET", "/api-keys"): ADMIN,
    ("POST", "/api-keys"): ADMIN,
    ("DELETE", "/api-keys/{key_id}"): ADMIN,
    ("GET", "/clients"): CLIENT_READERS,
    ("POST", "/clients"): MANAGERS,
    ("GET", "/clients/{client_id}"): CLIENT_READERS,
    ("PATCH", "/clients/{client_id}"): MANAGERS,
    ("DELETE", "/clients/{client_id}"): MANAGERS,
    ("GET", "/clients/{client_id}/contracts"): CLIENT_READERS,
    ("POST", "/clients/{client_id}/contracts"): MANAGERS,
    ("GET", "/contracts/{contract_id}"): CLIENT_READERS,
    ("PATCH", "/contracts/{contract_id}"): MANAGERS,
    ("DELETE", "/contracts/{contract_id}"): MANAGERS,
    ("GET", "/contracts/{contract_id}/statement"): CLIENT_READERS,
    ("POST", "/contracts/{contract_id}/periods/{month}/close"): MANAGERS,
    ("GET", "/contracts/{contract_id}/volume"): CLIENT_READERS,
    ("GET", "/contracts/{contract_id}/alerts"): CLIENT_READERS,
    ("GET", "/contracts/{contract_id}/pbx-check"): CLIENT_READERS,
    ("GET", "/events"): {A, S, C, Role.OPERATOR},  # each sees only its own (dialer.live.feed)
    ("GET", "/campaigns"): EVERYONE,
    ("POST", "/campaigns"): MANAGERS,
    ("GET", "/campaigns/{campaign_id}"): EVERYONE,
    ("PATCH", "/campaigns/{campaign_id}"): MANAGERS,
    ("DELETE", "/campaigns/{campaign_id}"): MANAGERS,
    ("POST", "/campaigns/{campaign_id}/start"): MANAGERS,
    ("POST", "/campaigns/{campaign_id}/pause"): MANAGERS,
    ("POST", "/campaigns/{campaign_id}/resume"): MANAGERS,
    ("POST", "/campaigns/{campaign_id}/stop"): MANAGERS,
    ("GET", "/campaigns/{campaign_id}/operators"): STAFF_READERS,
    ("PUT", "/campaigns/{campaign_id}/operators"): MANAGERS,
    ("GET", "/operators"): STAFF_READERS,
    ("POST", "/operators"): MANAGERS,
    ("GET", "/operators/{operator_id}"): STAFF_READERS,
    ("PATCH", "/operators/{operator_id}"): MANAGERS,
    ("DELETE", "/operators/{operator_id}"): MANAGERS,
    ("POST", "/operators/{operator_id}/softphone/password"): MANAGERS,
    ("GET", "/operators/{operator_id}/softphone"): OPERATING,
    ("GET", "/operators/{operator_id}/softphone.txt"): OPERATING,
    ("GET", "/operators/{operator_id}/softphone/qr.svg"): OPERATING,
    ("GET", "/operators/{operator_id}/softphone/qr.png"): OPERATING,
    ("POST", "/campaigns/{campaign_id}/contacts/import"): MANAGERS,
    ("GET", "/campaigns/{campaign_id}/contacts"): CLIENT_READERS,
    ("GET", "/campaigns/{campaign_id}/contacts.csv"): CLIENT_READERS,
    ("GET", "/dnc"): CLIENT_READERS,
    ("POST", "/dnc"): MANAGERS,
    ("DELETE", "/dnc/{entry_id}"): MANAGERS,
    ("POST", "/dnc/import"): MANAGERS,
    ("GET", "/calls"): EVERYONE,
    ("GET", "/calls/{call_id}"): EVERYONE,
    ("POST", "/calls/{call_id}/disposition"): OPERATING,
    ("POST", "/calls/{call_id}/amd-review"): SESSION_READERS,
    ("POST", "/calls/{call_id}/hangup"): OPERATING,
    ("GET", "/desk"): SESSION_READERS,
    ("GET", "/campaigns/{campaign_id}/pacing"): EVERYONE,
    ("GET", "/campaigns/{campaign_id}/status"): EVERYONE,
    ("PUT", "/campaigns/{campaign_id}/survey"): MANAGERS,
    ("GET", "/campaigns/{campaign_id}/survey"): EVERYONE,
    ("GET", "/campaigns/{campaign_id}/survey/answers"): CLIENT_READERS,
    ("GET", "/operators/{operator_id}/session"): SESSION_READERS,
    ("POST", "/operators/{operator_id}/session/login"): OPERATING,
    ("POST", "/operators/{operator_id}/session/ready"): OPERATING,
    ("POST", "/operators/{operator_id}/session/pause"): OPERATING,
    ("POST", "/operators/{operator_id}/session/logout"): OPERATING,
    ("POST", "/operators/{operator_id}/session/preview"): OPERATING,
    ("POST", "/operators/{operator_id}/session/preview/{contact_id}/dial"): OPERATING,
    ("POST", "/operators/{operator_id}/session/preview/{contact_id}/skip"): OPERATING,
    ("GET", "/recordings"): RECORDING_READERS,
    ("GET", "/recordings/{call_id}/audio"): RECORDING_READERS,
    ("POST", "/recordings/{call_id}/link"): RECORDING_READERS,
    ("POST", "/recordings/export"): RECORDING_READERS,
    ("DELETE", "/recordings/{call_id}"): ADMIN,
    ("GET", "/audit"): MANAGERS,
    ("GET", "/clients/{client_id}/crm"): CLIENT_READERS,
    ("PUT", "/clients/{client_id}/crm"): MANAGERS,
    ("GET", "/clients/{client_id}/billing-export"): CLIENT_READERS,
    ("GET", "/clients/{client_id}/recording-delivery"): CLIENT_READERS,
    ("PUT", "/clients/{client_id}/recording-delivery"): MANAGERS,
    ("DELETE", "/clients/{client_id}/recording-delivery"): MANAGERS,
    ("GET", "/hot-leads"): CLIENT_READERS,
    ("GET", "/hot-leads/{lead_id}"): CLIENT_READERS,
    ("POST", "/hot-leads/{lead_id}/retry"): MANAGERS,
    ("GET", "/campaigns/{campaign_id}/reports/daily"): CLIENT_READERS,
    ("GET", "/contracts/{contract_id}/reports/monthly"): CLIENT_READERS,
    ("POST", "/contracts/{contract_id}/acts"): MANAGERS,
    ("GET", "/contracts/{contract_id}/acts"): CLIENT_READERS,
    ("GET", "/contracts/{contract_id}/acts/{act_id}"): CLIENT_READERS,
    ("GET", "/contracts/{contract_id}/acts/{act_id}.pdf"): CLIENT_READERS,
    ("GET", "/contracts/{contract_id}/acts/{act_id}.html"): CLIENT_READERS,
    ("POST", "/contracts/{contract_id}/acts/{act_id}/sign"): {A, C},
    ("POST", "/contracts/{contract_id}/acts/{act_id}/dispute"): {A, C},
    ("GET", "/clients/{client_id}/report-recipients"): CLIENT_READERS,
    ("PUT", "/clients/{client_id}/report-recipients"): MANAGERS,
    ("GET", "/campaigns/{campaign_id}/scorecards"): SCORERS,
    ("POST", "/campaigns/{campaign_id}/scorecards"): QA_STAFF,
    ("GET", "/campaigns/{campaign_id}/scorecard"): SCORERS,
    ("PUT", "/campaigns/{campaign_id}/scorecard"): QA_STAFF,
    ("GET", "/scorecards/{scorecard_id}"): SCORERS,
    ("POST", "/qa/scores"): SCORERS,
    ("GET", "/qa/scores"): SCORERS,
    ("GET", "/qa/scores/{score_id}"): SCORERS,
    ("PUT", "/qa/scores/{score_id}"): SCORERS,
    ("GET", "/qa/statistics"): SCORERS,
    ("GET", "/qa/queue"): SCORERS,
    ("POST", "/qa/queue/{item_id}/claim"): SCORERS,
    ("POST", "/qa/queue/{item_id}/release"): SCORERS,
    ("GET", "/supervision/wallboard"): MANAGERS,
    ("GET", "/supervision/wallboard/{campaign_id}"): MANAGERS,
    ("GET", "/supervision/charts/calls"): MANAGERS,
    ("GET", "/supervision/charts/occupancy"): MANAGERS,
    ("GET", "/supervision/charts/calls.svg"): MANAGERS,
    ("GET", "/supervision/charts/occupancy.svg"): MANAGERS,
    ("POST", "/supervision/operators/{operator_id}/pause"): MANAGERS,
    ("POST", "/supervision/operators/{operator_id}/logout"): MANAGERS,
    ("POST", "/supervision/operators/{operator_id}/spy"): MANAGERS,
    ("GET", "/supervision/spy/{request_id}"): MANAGERS,
    ("POST", "/auth/logout"): EVERYONE,  # last: it ends the token the other routes were called with
}
SCORECARD = {
    "name": "card",
    "criteria": [{"key": "greeting", "label": "Greeting", "weight": "1", "scale": "yes_no"}],
}
PUBLIC = {
    ("GET", "/health"),
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("GET", "/metrics"),
    ("POST", "/auth/token"),
    ("GET", "/recordings/shared/{token}"),
}


def body_for(method: str, path: str, role: Role) -> dict | None:
    """A valid body, so that only the role decides between 403 and getting through."""
    unique = f"{role.value}-{method.lower()}"
    bodies = {
        ("POST", "/users"): {"username": unique, "password": "long enough password", "role": "qa"},
        ("POST", "/api-keys"): {"name": unique, "role": "qa"},
        ("POST", "/clients"): {"name": unique},
        ("POST", "/clients/{client_id}/contracts"): {
            "number": unique,
            "pricing_model": "per_seat_hour",
            "period_start": "2026-11-01",
        },
        ("POST", "/campaigns"): {"contract_id": 999_999, "name": unique},
        ("PUT", "/campaigns/{campaign_id}/operators"): {"operator_ids": []},
        ("PUT", "/campaigns/{campaign_id}/survey"): {
            "questions": [{"key": "q1", "prompt": "survey/q1", "choices": [{"digit": "1", "meaning": "yes"}]}]
        },
        ("POST", "/operators"): {"name": unique, "login": unique, "sip_endpoint": unique},
        ("POST", "/dnc"): {"phone": "+74951502222"},
        ("POST", "/calls/{call_id}/disposition"): {"code": "sale"},
        ("POST", "/calls/{call_id}/amd-review"): {"verdict": "human"},
        ("POST", "/operators/{operator_id}/session/login"): {"campaign_ids": [1]},
        ("POST", "/operators/{operator_id}/session/pause"): {"reason": "lunch"},
        ("POST", "/contracts/{contract_id}/acts"): {"month": "2026-11"},
        ("POST", "/contracts/{contract_id}/acts/{act_id}/dispute"): {"objection": "too many minutes"},
        ("POST", "/campaigns/{campaign_id}/scorecards"): SCORECARD,
        ("PUT", "/campaigns/{campaign_id}/scorecard"): SCORECARD,
        ("POST", "/qa/scores"): {"call_id": 999_999, "values": {"greeting": 1}},
        ("PUT", "/qa/scores/{score_id}"): {"values": {"greeting": 1}},
        ("POST", "/supervision/operators/{operator_id}/spy"): {"mode": "listen", "endpoint": "9001"},
    }
    if (method, path) in bodies:
        return bodies[(method, path)]
    return {} if method in {"PATCH", "PUT"} else None


def routes() -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    )


def test_every_route_declares_who_may_call_it():
    assert set(routes()) - PUBLIC == set(MATRIX)


@pytest.mark.parametrize("role", list(Role))
async def test_each_role_is_refused_exactly_outside_its_routes(client, login, admin, role):
    home = (await client.post("/clients", json={"name": "Home"}, headers=admin)).json()["id"]
    headers = await login(role, client_id=home if role is Role.CONTROLLER else None)
    wrong = []
    for (method, path), allowed in MATRIX.items():
        url = re.sub(r"\{[^}]+\}", "999999", path)
        body = body_for(method, path, role)
        response = await client.request(method, url, headers=headers, json=body)
        refused = response.status_code == 403
        if refused == (role in allowed) or response.status_code in {401, 500}:
            wrong.append(f"{method} {path}: {response.status_code} {response.text[:100]}")
    assert not wrong, f"{role.value}:\n" + "\n".join(wrong)
