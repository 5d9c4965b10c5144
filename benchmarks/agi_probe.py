"""The FastAGI probe of the loop-latency benchmark, in a process of its own, as Asterisk is.

``benchmarks/loop_latency.py`` starts it with the FastAGI port and the pause between sessions. It
prints ``ready``, then, until a line (or the end) arrives on its standard input, opens an ``amd``
session (a machine, for a call the engine does not know) every pause, answers its ``GET VARIABLE``
commands as Asterisk would, and notes when each session connected and when the server hung up. It
then prints one JSON line: ``[[connected, hung_up], ...]`` in ``time.monotonic()`` seconds, which on
Linux is one clock for every process, so the benchmark can tell which phase each session fell in.

In the service's process the probe's own reads and writes waited behind the same event loop as the
server's: every round trip was counted twice, once on each side, which Asterisk's never are.
It imports nothing of the product.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time

VALUES = {"AMDSTATUS": "MACHINE", "AMDCAUSE": "LONGGREETING-1500-1500"}


async def session(port: int) -> tuple[float, float]:
    """One ``amd`` session, connect to hang-up."""
    start = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        env = {
            "agi_network": "yes",
            "agi_network_script": "amd",
            "agi_request": f"agi://127.0.0.1:{port}/amd",
            "agi_channel": "PJSIP/trunk-probe",
            "agi_uniqueid": f"probe-{start}",
            "agi_version": "22.0.0",
        }
        writer.write("".join(f"{k}: {v}\n" for k, v in env.items()).encode() + b"\n")
        await writer.drain()
        while line := await reader.readline():
            words = line.decode().split()
            if words[:2] == ["GET", "VARIABLE"] and words[2] in VALUES:
                writer.write(f"200 result=1 ({VALUES[words[2]]})\n".encode())
            elif words[:2] == ["GET", "VARIABLE"]:
                writer.write(b"200 result=0\n")
            else:
                writer.write(b"200 result=1\n")
            await writer.drain()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    return start, time.monotonic()


async def main(port: int, every_s: float) -> None:
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    stop = asyncio.ensure_future(stdin.readline())
    print("ready", flush=True)
    sessions: list[tuple[float, float]] = []
    while not stop.done():
        sessions.append(await session(port))
        await asyncio.wait([stop], timeout=every_s)
    print(json.dumps(sessions), flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
