"""Who the simulated customers and operators are, and how they behave: from Python or a file.

A scenario file is JSON (``.json``) or TOML (``.toml``) with the same shape::

    seed = 7
    [customers."5551001"]          # by number: one script per dialled number
    outcome = "answer"             # answer|busy|noanswer|invalid|unreachable|congestion|rejected|trunk_down
    sip = 484                      # a failing outcome's SIP answer, instead of its usual one (busy 486,
                                   # invalid 404, unreachable 502, congestion 503, rejected 603);
                                   # Hangup's Cause, DialEnd and Cdr follow as in Asterisk (pbxsim.sip)
    ring = 2.0                     # seconds of ringing before the outcome
    talk = 8.0                     # seconds bridged with an operator before someone hangs up
    hangup_by = "customer"         # customer|operator
    amd = "human"                  # human|machine|greeting|notsure: what AMD() will conclude
    patience = 30.0                # answered but never connected: hangs up after this long
    dtmf = "12"                    # keys typed at GET DATA prompts, max digits at a time (survey)
    dtmf = ["1", "", "4#", "hangup"]  # or one entry per prompt (GET DATA, WAIT FOR DIGIT), in order:
                                   # keys typed ("" none: the prompt times out; "#" ends input),
                                   # "hangup": hangs up while that prompt plays
    [default]                      # numbers with no script when there is no [random]: same keys
    [random]                       # every number not listed above
    answer_rate = 0.3
    ring = [2.0, 12.0]             # uniform range in seconds (or one number)
    talk = { kind = "lognormal", mean = 90, sd = 70, low = 10, high = 900 }
    machine_rate = 0.2
    failures = { busy = 0.5, noanswer = 0.3, invalid = 0.05, unreachable = 0.05, congestion = 0.1 }
    [operators."1001"]
    registered = true
    queues = ["sales"]             # static queue memberships (default ["sales"]; [] for a supervisor)
    answer_delay = 0.0             # ringing before the softphone answers (login, Dial, Queue)
    answers = true                 # false: rings but never answers
    talk = 30.0                    # Dial/Queue: seconds until the operator hangs up (default never)
    disposition = "sale"           # data for the product's tests; the PBX does not use it
"""

from __future__ import annotations

import json
import math
import random
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pbxsim.dtmf import HANG_UP

DTMF_KEYS = "0123456789*#ABCD"
OUTCOMES = ("answer", "busy", "noanswer", "invalid", "unreachable", "congestion", "rejected", "trunk_down")

# The SIP answer of each outcome the far end rejects: 404 Not Found is an unallocated number (b3);
# 502 Bad Gateway is a destination out of order (cause 27), a number that exists but cannot be reached.
SIP_ANSWERS: dict[str, int] = {
    "busy": 486,
    "invalid": 404,
    "unreachable": 502,
    "congestion": 503,
    "rejected": 603,
}

# What AMD() sets for each verdict, and how long it takes after answer (captures n2a, n2c, a5).
AMD_VERDICTS: dict[str, tuple[str, str, float]] = {
    "human": ("HUMAN", "HUMAN-800-800", 1.3),
    "machine": ("MACHINE", "INITIALSILENCE-2500-2500", 2.5),
    "greeting": ("MACHINE", "LONGGREETING-1500-1500", 2.0),
    "notsure": ("NOTSURE", "TOOLONG-4000", 4.0),
}


@dataclass(frozen=True)
class CustomerScript:
    """How the far end of one dialled number behaves."""

    outcome: str = "answer"
    ring: float = 2.0
    talk: float = 8.0
    hangup_by: str = "customer"
    amd: str = "human"
    patience: float = 30.0  # seconds an answered customer waits unconnected before hanging up
    dtmf: str | tuple[str, ...] = ""  # keys at the survey's prompts: see :mod:`pbxsim.dtmf`
    sip: int | None = None  # a rejecting outcome's SIP answer, instead of its usual one

    def sip_answer(self) -> int:
        """The SIP status the far end answers with (a rejecting outcome only)."""
        return self.sip if self.sip is not None else SIP_ANSWERS[self.outcome]

    def __post_init__(self) -> None:
        if isinstance(self.dtmf, list | tuple):
            object.__setattr__(self, "dtmf", tuple(str(entry) for entry in self.dtmf))
            for entry in self.dtmf:
                if entry != HANG_UP and not set(entry) <= set(DTMF_KEYS):
                    raise ValueError(f"dtmf entry {entry!r}: keys of {DTMF_KEYS}, or {HANG_UP!r}")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}; expected one of {OUTCOMES}")
        if self.hangup_by not in ("customer", "operator"):
            raise ValueError(f"hangup_by must be customer or operator, not {self.hangup_by!r}")
        if self.amd not in AMD_VERDICTS:
            raise ValueError(f"unknown amd verdict {self.amd!r}; expected one of {tuple(AMD_VERDICTS)}")
        if self.sip is not None:
            if self.outcome not in SIP_ANSWERS:
                raise ValueError(f"sip is the answer of {tuple(SIP_ANSWERS)}, not of {self.outcome!r}")
            if not 400 <= self.sip <= 699:
                raise ValueError(f"sip {self.sip}: an error answer is 400-699")


@dataclass(frozen=True)
class OperatorScript:
    """One operator's softphone: its endpoint, whether it is registered, how it answers."""

    endpoint: str
    registered: bool = True
    answer_delay: float = 0.0
    talk: float | None = None  # None: the operator never ends a call by itself
    disposition: str = ""
    answers: bool = True  # False: rings but never answers (pjsua 1002 in a4)
    queues: tuple[str, ...] = ("sales",)  # static member of these queues (() for a supervisor)

    def __post_init__(self) -> None:
        object.__setattr__(self, "queues", tuple(self.queues))  # a list from a scenario file


@dataclass(frozen=True)
class Distribution:
    """Seconds drawn at random: ``uniform`` between low and high, or ``lognormal`` with the given
    mean and standard deviation (talk times are long-tailed), clipped to [low, high]."""

    low: float
    high: float
    kind: str = "uniform"
    mean: float = 0.0
    sd: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in ("uniform", "lognormal"):
            raise ValueError(f"unknown distribution {self.kind!r}: uniform or lognormal")
        if self.kind == "lognormal" and (self.mean <= 0 or self.sd <= 0):
            raise ValueError("a lognormal distribution needs a positive mean and sd")

    def draw(self, rng: random.Random) -> float:
        if self.kind == "uniform":
            return rng.uniform(self.low, self.high)
        sigma2 = math.log(1 + (self.sd / self.mean) ** 2)
        value = rng.lognormvariate(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2))
        return min(self.high, max(self.low, value))


@dataclass(frozen=True)
class RandomCustomers:
    """Customers drawn at random, reproducibly, for numbers with no script of their own."""

    answer_rate: float = 0.35
    ring: Distribution = Distribution(2.0, 15.0)
    talk: Distribution = Distribution(15.0, 600.0, "lognormal", mean=90.0, sd=70.0)
    machine_rate: float = 0.15
    failures: Mapping[str, float] = field(
        default_factory=lambda: {"busy": 0.4, "noanswer": 0.4, "unreachable": 0.1, "congestion": 0.1}
    )
    hangup_by_operator_rate: float = 0.3

    def draw(self, rng: random.Random) -> CustomerScript:
        ring = self.ring.draw(rng)
        if rng.random() < self.answer_rate:
            return CustomerScript(
                outcome="answer",
                ring=ring,
                talk=self.talk.draw(rng),
                amd="machine" if rng.random() < self.machine_rate else "human",
                hangup_by="operator" if rng.random() < self.hangup_by_operator_rate else "customer",
            )
        names = list(self.failures)
        outcome = rng.choices(names, weights=[self.failures[n] for n in names])[0]
        return CustomerScript(outcome=outcome, ring=ring if outcome in ("busy", "noanswer") else 0.3)


@dataclass
class Scenario:
    """Scripts for the numbers the product will dial and the operators it will use."""

    customers: dict[str, CustomerScript] = field(default_factory=dict)
    operators: dict[str, OperatorScript] = field(default_factory=dict)
    random_customers: RandomCustomers | None = None
    default: CustomerScript = field(default_factory=CustomerScript)
    seed: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def customer(self, number: str) -> CustomerScript:
        """The script for a dialled number: its own, else a random draw, else the default."""
        if number in self.customers:
            return self.customers[number]
        if self.random_customers is not None:
            return self.random_customers.draw(self._rng)
        return self.default

    def operator(self, endpoint: str) -> OperatorScript | None:
        return self.operators.get(endpoint)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        customers = {str(k): _build(CustomerScript, v) for k, v in data.get("customers", {}).items()}
        operators = {
            str(k): _build(OperatorScript, {"endpoint": str(k), **v})
            for k, v in data.get("operators", {}).items()
        }
        rnd = data.get("random")
        random_customers = None
        if rnd is not None:
            rnd = dict(rnd)
            for key in ("ring", "talk"):
                if key in rnd:
                    rnd[key] = _range(rnd[key])
            random_customers = _build(RandomCustomers, rnd)
        default = _build(CustomerScript, data["default"]) if "default" in data else CustomerScript()
        return cls(customers, operators, random_customers, default, int(data.get("seed", 0)))


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a ``.json`` or ``.toml`` file."""
    path = Path(path)
    if path.suffix not in (".toml", ".json"):
        raise ValueError(f"{path}: scenario files are .json or .toml")
    text = path.read_text(encoding="utf-8")
    data: Mapping[str, Any] = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    return Scenario.from_dict(data)


def _range(value: Any) -> Distribution:
    """``30`` (fixed), ``[2, 12]`` (uniform) or ``{kind = "lognormal", mean = 90, sd = 60, low = 5,
    high = 900}``."""
    if isinstance(value, int | float):
        return Distribution(float(value), float(value))
    if isinstance(value, Mapping):
        distribution: Distribution = _build(Distribution, {"low": 0.0, "high": 86400.0, **value})
        return distribution
    low, high = value
    return Distribution(float(low), float(high))


def _build(kind: type[Any], values: Mapping[str, Any]) -> Any:
    known = {f.name for f in fields(kind)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"{kind.__name__}: unknown keys {sorted(unknown)}")
    return kind(**values)
