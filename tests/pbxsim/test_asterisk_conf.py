"""asterisk-conf/extensions.conf and the simulator's product dialplan describe the same contexts."""

from __future__ import annotations

import re

from pbxsim.contexts import product_dialplan
from tests.pbxsim.helpers import REPO

CONF = REPO / "asterisk-conf"


def conf_contexts() -> dict[str, list[str]]:
    """Each context's applications in priority order (``s`` or the pattern extension)."""
    contexts: dict[str, list[str]] = {}
    current = None
    for raw in (CONF / "extensions.conf").read_text().splitlines():
        line = raw.split(";", 1)[0].strip()
        header = re.fullmatch(r"\[([^\]]+)\]", line)
        if header:
            current = header.group(1)
            contexts[current] = []
            continue
        step = re.match(
            r"(?:exten\s*=>\s*(s|_X\.)\s*,\s*\d+|same\s*=>\s*n(?:\([a-z]+\))?)\s*,\s*(\w+)\(", line
        )
        if current and step:
            contexts[current].append(step.group(2))
    return contexts


def test_every_dialer_context_exists_in_both() -> None:
    conf = {name for name in conf_contexts() if name.startswith("dialer-")}
    sim = product_dialplan()
    assert conf, "no dialer-* contexts found in asterisk-conf/extensions.conf"
    for name in conf:
        assert sim.has_context(name), f"{name} is in extensions.conf but not in pbxsim/contexts.py"


def test_operator_route_applications_in_order() -> None:
    assert conf_contexts()["dialer-customer"] == ["NoOp", "GosubIf", "GotoIf", "AMD", "AGI", "Goto"]
    assert conf_contexts()["dialer-route-operator"] == [
        "GosubIf",
        "GotoIf",
        "ConfBridge",
        "Hangup",
        "Dial",
        "Hangup",
    ]


def test_recording_subroutine_starts_mixmonitor_per_policy() -> None:
    assert conf_contexts()["dialer-record"] == ["GotoIf", "MixMonitor", "Return", "MixMonitor", "Return"]
    text = (CONF / "extensions.conf").read_text()
    assert 'GosubIf($["${DIALER_RECORD}" = "all"]?dialer-record,s,1)' in text
    assert text.count('GosubIf($["${DIALER_RECORD}" = "connected"]?dialer-record,s,1(b))') == 2
    assert "r(${DIALER_RECDIR}/${UNIQUEID}-customer.wav)t(${DIALER_RECDIR}/${UNIQUEID}-operator.wav)" in text


def test_manager_user_is_least_privilege() -> None:
    text = (CONF / "manager.conf").read_text()
    read = re.search(r"^read\s*=\s*(\S+)", text, re.M)
    assert read is not None and "all" not in read.group(1).split(",")
    assert "security" not in read.group(1) and "cel" not in read.group(1)


def test_settings_named_in_the_configuration_exist() -> None:
    """A ``DIALER_*`` name in a .conf file is a dialplan variable of extensions.conf or a real setting."""
    from dialer.commands.config import rows

    settings = {variable for variable, _, _ in rows(None)}
    dialplan = (CONF / "extensions.conf").read_text()
    for path in sorted(CONF.glob("*.conf")):
        for name in sorted(set(re.findall(r"\bDIALER_[A-Z0-9_]+\b", path.read_text()))):
            is_variable = re.search(rf"(\$\{{{name}\b|^{name}\s*=|\b{name}=)", dialplan, re.M)
            assert is_variable or name in settings, f"{path.name} names {name}, which is no setting"
