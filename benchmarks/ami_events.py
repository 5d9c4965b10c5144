"""AMI event throughput: bytes -> AmiParser -> typed events -> call tracker, on one core.

The mix is the real captures (queue, direct and nailed-up calls, AMD, every failure kind, FastAGI,
ChanSpy, registrations, noise such as CEL/VarSet/RTCP as Asterisk sent it), copied N times with every
id renamed so each copy is a distinct set of calls, and the copies interleaved as concurrent calls
would be. Measured, not asserted. Goal: >= 20,000 events/s.

    python benchmarks/ami_events.py [--copies 150] [--interleave 50] [--captures DIR]

The last line of output is one JSON object: {"events_per_s": ..., "p99_tracker_latency_ms": ...}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from ami.events import to_event
from ami.facts import Fact
from ami.tracker import CallTracker
from ami.wire import AmiParser, Message, encode, iter_messages

DEFAULT_CAPTURES = Path(__file__).resolve().parents[1].parent / "shared" / "asterisk-traces" / "ami"
# Call scenarios only (the login and action-answer captures are not event traffic).
SCENARIOS = (
    "a_originate_answer_queue", "a2_originate_answer_direct_operator",
    "a4_originate_queue_ringnoanswer_then_unpause", "a5_originate_answer_amd",
    "b1_originate_busy_486", "b2_originate_noanswer_timeout", "b3_originate_reject_404",
    "b4_originate_reject_503", "b8_originate_trunk_down", "b9_originate_busy_with_channelid",
    "c1_fastagi_command_tour", "c2_fastagi_customer_hangs_up_during_agi", "d2_ami_actions_eventstream",
    "n1_0_operator_nailed_login", "n1a_customers_via_fastagi_into_confbridge",
    "n2a_amd_human_hello_then_silence", "n2c_amd_machine_initial_silence",
    "n3_registration_lifecycle_1002", "n5_resync_status_during_live_call_eventstream",
    "n6_chanspy_listen_whisper_barge", "n7b_bridge_action_customer_hangs_up",
)  # fmt: skip
_IDS = frozenset((
    "Uniqueid", "Linkedid", "DestUniqueid", "DestLinkedid", "UniqueID", "LinkedID", "BridgeUniqueid",
    "ActionID", "Channel", "DestChannel", "DestinationChannel", "DialString", "SpyerUniqueid",
    "SpyeeUniqueid", "SpyerChannel", "SpyeeChannel", "BridgeId", "BridgeID",
))  # fmt: skip


class _Count:
    facts = 0

    def on_fact(self, fact: Fact) -> None:
        self.facts += 1


def load_mix(folder: Path) -> list[list[Message]]:
    """The event messages of each scenario (responses to the capture client's own actions left out)."""
    mix = []
    for name in SCENARIOS:
        raw = (folder / f"ami_{name}.raw").read_bytes()
        mix.append([m for m in iter_messages(raw) if m.event is not None])
    return mix


def renamed(messages: list[Message], copy: int) -> list[tuple[tuple[str, str], ...]]:
    suffix = f".{copy}"
    out = []
    for message in messages:
        pairs = tuple(
            (k, v + suffix if k in _IDS and v and v not in ("<unknown>", "none") else v)
            for k, v in message.pairs
        )
        out.append(pairs)
    return out


def build_stream(mix: list[list[Message]], copies: int, interleave: int) -> tuple[bytes, int]:
    """All copies as one AMI byte stream; ``interleave`` copies run side by side, message by message."""
    chunks: list[bytes] = [b"Asterisk Call Manager/11.0.0\r\n"]
    count = 0
    for first in range(0, copies, interleave):
        lanes = []
        for copy in range(first, min(first + interleave, copies)):
            lane: list[tuple[tuple[str, str], ...]] = []
            for scenario in mix:
                lane.extend(renamed(scenario, copy))
            lanes.append(lane)
        for row in range(max(len(lane) for lane in lanes)):
            for lane in lanes:
                if row < len(lane):
                    chunks.append(encode(lane[row]))
                    count += 1
    return b"".join(chunks), count


def run(stream: bytes, read_size: int = 65536) -> tuple[float, int, list[int], int, int]:
    """Feed the stream as TCP reads would come; returns seconds, events, tracker latencies (ns)."""
    listener = _Count()
    tracker = CallTracker(listener, adopt_originates=True)
    parser = AmiParser()
    latencies: list[int] = []
    events = 0
    clock = time.perf_counter_ns
    started = time.perf_counter()
    for offset in range(0, len(stream), read_size):
        for message in parser.feed(stream[offset : offset + read_size]):
            event = to_event(message)
            before = clock()
            tracker.feed(event)
            latencies.append(clock() - before)
            events += 1
    elapsed = time.perf_counter() - started
    return elapsed, events, latencies, listener.facts, len(tracker.summaries())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=150, help="copies of the capture mix (default 150)")
    parser.add_argument("--interleave", type=int, default=50, help="copies running concurrently (default 50)")
    parser.add_argument(
        "--captures", type=Path, default=DEFAULT_CAPTURES, help="folder of ami_*.raw captures"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed runs; the best is reported (default 3)")
    args = parser.parse_args(argv)
    if not args.captures.is_dir():
        print(f"captures not found: {args.captures}", file=sys.stderr)
        return 2
    stream, count = build_stream(load_mix(args.captures), args.copies, args.interleave)
    print(
        f"stream: {count} events, {len(stream) / 1e6:.1f} MB, "
        f"{args.copies} copies of {len(SCENARIOS)} captures"
    )
    best: tuple[float, list[int]] | None = None
    for round_no in range(1, args.rounds + 1):
        elapsed, events, latencies, facts, calls = run(stream)
        rate = events / elapsed
        print(f"round {round_no}: {events} events in {elapsed:.2f} s = {rate:,.0f} events/s; "
              f"{calls} calls, {facts} facts")  # fmt: skip
        if best is None or elapsed < best[0]:
            best = (elapsed, latencies)
    assert best is not None
    elapsed, latencies = best
    tracker_share = sum(latencies) / 1e9 / elapsed
    print(f"time in the tracker: {tracker_share:.0%} (the rest: reading, parsing, typing events)")
    latencies.sort()
    p99_ms = latencies[int(len(latencies) * 0.99)] / 1e6
    print(f"tracker latency per event: median {statistics.median(latencies) / 1e3:.1f} us, "
          f"p99 {p99_ms * 1e3:.1f} us, max {latencies[-1] / 1e3:.1f} us")  # fmt: skip
    print(json.dumps({"events_per_s": round(count / elapsed), "p99_tracker_latency_ms": round(p99_ms, 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
