"""Every Prometheus metric of the product, defined once on one registry (``REGISTRY``).

Counters and histograms are bumped where things happen (the engine, the FastAGI routes, the HTTP
middleware); gauges of live state are set by ``dialer.observability.health.Observed.sample`` just
before a scrape. Label values come from bounded sets only: campaign ids, AMI server names, FastAGI
route names, outbox names, HTTP route templates and status codes, never a call id or a phone number.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    gc_collector,
    generate_latest,
    platform_collector,
    process_collector,
)

REGISTRY = CollectorRegistry(auto_describe=True)
process_collector.ProcessCollector(registry=REGISTRY)
platform_collector.PlatformCollector(registry=REGISTRY)
gc_collector.GCCollector(registry=REGISTRY)

CALL_STAGES = ("placed", "answered", "connected", "abandoned")

CALLS = Counter(
    "dialer_calls",
    "Customer calls by campaign and stage: placed (Originate sent), answered, connected to an "
    "operator, abandoned (a person got no operator within the connect limit).",
    ["campaign", "stage"],
    registry=REGISTRY,
)
DIAL_LEVEL = Gauge(
    "dialer_dial_level",
    "Calls placed per available operator in the campaign's last pacing decision.",
    ["campaign"],
    registry=REGISTRY,
)
ABANDON_RATE = Gauge(
    "dialer_abandon_rate",
    "Abandoned share of the campaign's calls answered by a person, over its abandon window.",
    ["campaign"],
    registry=REGISTRY,
)
ABANDON_CAP = Gauge(
    "dialer_abandon_cap", "The campaign's abandon rate cap (0..1).", ["campaign"], registry=REGISTRY
)
AMI_CONNECTED = Gauge(
    "dialer_ami_connected", "1 while the AMI connection is logged in and resynchronised.", ["server"],
    registry=REGISTRY,
)  # fmt: skip
AMI_RECONNECTS = Counter(
    "dialer_ami_reconnects", "AMI connections made ready again after being lost.", ["server"],
    registry=REGISTRY,
)  # fmt: skip
AMI_EVENT_LAG = Gauge(
    "dialer_ami_event_lag_seconds",
    "Round trip of the last AMI Ping: its answer queues behind every event Asterisk sent before it, "
    "so this is how far behind the event stream is read.",
    ["server"],
    registry=REGISTRY,
)
AGI_SESSIONS = Counter("dialer_agi_sessions", "FastAGI sessions run, by route.", ["route"], registry=REGISTRY)
AGI_ACTIVE = Gauge("dialer_agi_sessions_active", "FastAGI sessions open now.", registry=REGISTRY)
AGI_DECISION = Histogram(
    "dialer_agi_decision_seconds",
    "Time the engine took to decide where an answered call goes (waiting for a free operator "
    "included), by decision asked.",
    ["decision"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
    registry=REGISTRY,
)
WRITER_QUEUE = Gauge(
    "dialer_writer_queue_depth", "Facts waiting for the engine's ordered writer.", registry=REGISTRY
)
WRITER_FAILURES = Counter(
    "dialer_writer_failures", "Writes of the engine's ordered writer that failed.", registry=REGISTRY
)
ENGINE_TICK_AGE = Gauge(
    "dialer_engine_tick_age_seconds", "Seconds since the engine's last pacing tick ended.",
    registry=REGISTRY,
)  # fmt: skip
OUTBOX_BACKLOG = Gauge(
    "dialer_outbox_backlog", "Messages waiting in an outbox (pending), by outbox.", ["outbox"],
    registry=REGISTRY,
)  # fmt: skip
OUTBOX_LAG = Gauge(
    "dialer_outbox_lag_seconds",
    "How long the oldest due message of an outbox has waited for a dispatcher (0: none waits).",
    ["outbox"],
    registry=REGISTRY,
)
RECORDING_FAILURES = Counter(
    "dialer_recording_filing_failures",
    "Recordings not filed, by what happened (missing, empty, a store or transcoding error...).",
    ["status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "dialer_http_request_duration_seconds",
    "HTTP requests by method, route template and status code, in seconds until the response began.",
    ["method", "route", "status"],
    registry=REGISTRY,
)


def render() -> tuple[bytes, str]:
    """The registry in Prometheus' text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
