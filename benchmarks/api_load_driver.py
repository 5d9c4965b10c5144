"""The load generator of ``api_load.py``, run in its own process so its CPU is not the service's.

Open loop: request *i* of a step is due at ``start + i / rate`` whatever the answers before it, and
its latency counts from when it was due (a slow answer delays nobody's start, so a stalled service
shows as latency, not as a politely lower rate). The routes are a supervisors', QA's and operators'
mix: the campaign list, the campaign's wallboard, the call list, a recordings search, and a
disposition on a call an operator has just finished (found in the call list's answers).

Reads one JSON object on stdin: ``{"url", "token", "campaign_id", "rates", "seconds"}``; prints one
JSON object per step: ``{"rate", "sent", "elapsed_s", "errors", "latencies": {route: [s, ...]}}``.
Stops after a step whose p99 passed ``GIVE_UP_S``: a higher rate only piles more on a service that
is already behind (a request not answered within ``TIMEOUT_S`` counts as an error).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import defaultdict, deque
from typing import Any

import httpx

MIX = ["wallboard", "campaigns", "calls", "wallboard", "recordings", "disposition", "wallboard", "calls"]
"""One cycle of the route mix: the wallboard most (every supervisor's screen refreshes it)."""
CODES = ["not_interested", "try_later", "sale", "not_interested", "wrong_number"]
TIMEOUT_S = 10.0
GIVE_UP_S = 2.0


class Desk:
    """What the driver knows of calls waiting for a disposition (from the call list's answers)."""

    def __init__(self) -> None:
        self.waiting: deque[int] = deque(maxlen=500)
        self.seen: set[int] = set()
        self.sent = 0

    def learn(self, calls: list[dict[str, Any]]) -> None:
        for call in calls:
            ended = call.get("ended_at") and call.get("operator_id") and not call.get("disposition_code")
            if ended and call["id"] not in self.seen:
                self.seen.add(call["id"])
                self.waiting.append(call["id"])

    def next_code(self) -> str:
        self.sent += 1
        return CODES[self.sent % len(CODES)]


async def one(
    http: httpx.AsyncClient, route: str, campaign_id: int, desk: Desk, due: float,
    latencies: dict[str, list[float]], errors: list[str],
) -> None:  # fmt: skip
    """Send one request of ``route`` (due at ``due``) and record its latency from then."""
    await asyncio.sleep(max(0.0, due - time.perf_counter()))
    if route == "disposition" and not desk.waiting:
        route = "calls"  # no finished call to dispose yet: a desk refreshes its list instead
    try:
        if route == "disposition":
            call_id = desk.waiting.popleft()
            answer = await http.post(f"/calls/{call_id}/disposition", json={"code": desk.next_code()})
            ok = answer.status_code == 200 or answer.status_code == 409  # 409: disposed by its operator
        else:
            answer = await http.get(path_of(route, campaign_id))
            ok = answer.status_code == 200
            if ok and route == "calls":
                desk.learn(answer.json()["items"])
        if not ok:
            errors.append(f"{route}: HTTP {answer.status_code} {answer.text[:120]}")
    except httpx.HTTPError as exc:
        errors.append(f"{route}: {exc!r}")
    latencies[route].append(time.perf_counter() - due)


def path_of(route: str, campaign_id: int) -> str:
    return {
        "campaigns": "/campaigns?limit=50",
        "wallboard": f"/supervision/wallboard/{campaign_id}",
        "calls": f"/calls?campaign_id={campaign_id}&limit=50",
        "recordings": f"/recordings?campaign_id={campaign_id}&limit=50",
    }[route]


async def step(
    http: httpx.AsyncClient, campaign_id: int, rate: float, seconds: float, desk: Desk
) -> dict[str, Any]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    count = int(rate * seconds)
    start = time.perf_counter() + 0.05
    tasks = [
        asyncio.create_task(
            one(http, MIX[i % len(MIX)], campaign_id, desk, start + i / rate, latencies, errors)
        )
        for i in range(count)
    ]
    await asyncio.gather(*tasks)
    return {
        "rate": rate,
        "sent": count,
        "elapsed_s": round(time.perf_counter() - start, 3),
        "errors": len(errors),
        "error_samples": errors[:5],
        "latencies": latencies,
    }


async def drive(config: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {config['token']}"}
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    desk = Desk()
    client = httpx.AsyncClient(base_url=config["url"], headers=headers, timeout=TIMEOUT_S, limits=limits)
    async with client as http:
        for rate in config["rates"]:
            result = await step(http, config["campaign_id"], float(rate), float(config["seconds"]), desk)
            print(json.dumps(result), flush=True)
            every = sorted(x for values in result["latencies"].values() for x in values)
            if every and every[int(0.99 * (len(every) - 1))] > GIVE_UP_S:
                return


if __name__ == "__main__":
    asyncio.run(drive(json.loads(sys.stdin.readline())))
