"""A contact base whose every number has a known behaviour, so the end state of each is predictable."""

from __future__ import annotations

from dataclasses import replace

from pbxsim import CustomerScript, Scenario

# one script per number, by its position in a cycle of 20: 40% people, 5% not sure, 10% machines,
# 15% busy, 15% no answer, 10% unreachable, 5% congestion
KINDS = (
    ["human"] * 8
    + ["notsure", "machine", "machine"]
    + ["busy"] * 3
    + ["noanswer"] * 3
    + [
        "unreachable",
        "unreachable",
        "congestion",
    ]
)


def script(kind: str, i: int) -> CustomerScript:
    ring = 2.0 + (i % 5)
    if kind in ("human", "notsure"):
        talk = 8.0 + (i % 4) * 4
        return CustomerScript(
            "answer", ring=ring, talk=talk, amd=kind, hangup_by=("customer", "operator")[i % 2]
        )
    if kind == "machine":
        return CustomerScript("answer", ring=ring, amd="machine")
    return CustomerScript(kind, ring=ring if kind in ("busy", "noanswer") else 0.3)


def contact_base(count: int, *, prefix: str = "+7916000") -> tuple[list[str], dict[str, str], Scenario]:
    """``count`` numbers, the kind of each (by phone), and the scenario that makes them behave so."""
    phones, kinds = [], {}
    scenario = Scenario(seed=5)
    for i in range(count):
        phone = f"{prefix}{i:04d}"
        kind = KINDS[i % len(KINDS)]
        phones.append(phone)
        kinds[phone] = kind
        scenario.customers[phone.lstrip("+")] = script(kind, i)
    return phones, kinds, scenario


def talking_for(count: int, talk: float) -> tuple[list[str], Scenario]:
    """The usual base, but every person talks ``talk`` simulated seconds (calls that outlive a fault,
    or a stop)."""
    phones, kinds, scenario = contact_base(count)
    for i, phone in enumerate(phones):
        if kinds[phone] == "human":
            scenario.customers[phone.lstrip("+")] = replace(script("human", i), talk=talk)
    return phones, scenario
