"""The hostile callers of the loop-latency benchmark, in a process of their own, as real callers are.

``benchmarks/loop_latency.py`` starts this script with one JSON argument (the service's URL, a
bearer token, the client and campaign ids, the workbook's path, the number of flooding callers and
the load's length). Run in the service's own process, the callers' HTTP work (the ten flooding
clients alone took a second of every twenty, and each client's TLS context 25 ms at the start)
would be counted against the loop it measures. It imports nothing of the product, prints
``ready`` once it can start, waits for a line on its standard input, then runs:

- the sign-in flood: callers sending wrong passwords to ``POST /auth/token`` without pause;
- the XLSX import (``POST /campaigns/{id}/contacts/import``);
- billing exports of the client's month, as XLSX, one after another;

for at least the load's seconds and until the import ends, and prints one JSON line: the sign-in
answers by status, the import's status, count and seconds, the exports' statuses, the load's length.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx


async def _flood(url: str, stop: asyncio.Event, counts: dict[int, int], caller: int) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        n = 0
        while not stop.is_set():
            n += 1
            response = await client.post(
                "/auth/token", data={"username": f"victim{caller % 3}", "password": f"guess {n}"}
            )
            counts[response.status_code] = counts.get(response.status_code, 0) + 1


async def _exports(url: str, headers: dict[str, str], client_id: int, stop: asyncio.Event) -> list[int]:
    month = time.strftime("%Y-%m", time.gmtime())
    done: list[int] = []
    async with httpx.AsyncClient(base_url=url, timeout=300, headers=headers) as client:
        while not stop.is_set():
            response = await client.get(
                f"/clients/{client_id}/billing-export", params={"month": month, "format": "xlsx"}
            )
            done.append(response.status_code)
    return done


async def _import(url: str, headers: dict[str, str], campaign_id: int, workbook: Path) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=600, headers=headers) as client:
        with workbook.open("rb") as source:
            files = {"file": ("base.xlsx", source, "application/octet-stream")}
            started = time.monotonic()
            response = await client.post(f"/campaigns/{campaign_id}/contacts/import", files=files)
        report = response.json()
        return {
            "status": response.status_code,
            "imported": report.get("imported"),
            "seconds": round(time.monotonic() - started, 1),
        }


async def run_load(job: dict[str, Any]) -> dict[str, Any]:
    """The flood, the import and the exports of ``job``; what each got back."""
    url, headers = job["url"], {"Authorization": f"Bearer {job['token']}"}
    stop = asyncio.Event()
    counts: dict[int, int] = {}
    flooders = [asyncio.create_task(_flood(url, stop, counts, n)) for n in range(job["flood"])]
    exports = asyncio.create_task(_exports(url, headers, job["client_id"], stop))
    started = time.monotonic()
    imported = await _import(url, headers, job["campaign_id"], Path(job["workbook"]))
    await asyncio.sleep(max(0.0, job["seconds"] - (time.monotonic() - started)))
    load_seconds = time.monotonic() - started
    stop.set()
    await asyncio.gather(*flooders)
    exported = await exports
    return {
        "sign_in_answers": {str(k): v for k, v in sorted(counts.items())},
        "xlsx_import": imported,
        "billing_exports": {"done": len(exported), "statuses": sorted(set(exported))},
        "load_seconds": round(load_seconds, 1),
    }


def main() -> int:
    job = json.loads(sys.argv[1])
    print("ready", flush=True)
    if not sys.stdin.readline():
        return 1  # the benchmark went away before the load
    print(json.dumps(asyncio.run(run_load(job))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
