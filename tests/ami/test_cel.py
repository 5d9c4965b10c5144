"""Asterisk's own record (CEL lines written by cel_custom with asterisk-conf/cel_custom.conf's fields),
read from a file a real Asterisk 22.10.1 wrote: an operator held in ConfBridge, a customer whose
FastAGI server refused the connection (the fallback played the abandon message), a call that rang
out (Local channels stand in for the trunk)."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, datetime
from pathlib import Path

from ami.cel import FIELDS, CelEvent, format_line, parse_line, read_calls

REAL = Path(__file__).parent / "data" / "cel_asterisk_22.10.1.csv"


def at(epoch: str) -> datetime:
    return datetime.fromtimestamp(float(epoch), UTC)


def test_the_fields_are_those_cel_custom_conf_writes() -> None:
    conf = (Path(__file__).resolve().parents[2] / "asterisk-conf" / "cel_custom.conf").read_text()
    line = next(x for x in conf.splitlines() if x.startswith("fields"))
    assert tuple(f.strip() for f in line.split("=", 1)[1].split(",")) == FIELDS


def test_each_line_is_written_back_byte_for_byte() -> None:
    lines = REAL.read_text().splitlines()
    for row, line in zip(csv.reader(lines), lines, strict=True):
        event = parse_line(row)
        assert event is not None
        assert format_line(event) == line


def test_a_call_that_rang_out(tmp_path: Path) -> None:
    shutil.copy(REAL, tmp_path / "cel.csv")
    ring = read_calls(tmp_path, ["c-ring"])["c-ring"]
    assert (ring.answered_at, ring.bridged_at) == (None, None)
    assert (ring.ended_at, ring.cause, ring.hangup_source) == (at("1796616688.314243"), 19, "")
    assert ring.fallback_at is None


def test_the_fallback_mark_with_the_amd_verdict(tmp_path: Path) -> None:
    shutil.copy(REAL, tmp_path / "cel.csv")
    call = read_calls(tmp_path, ["c-fallback", "absent"])
    assert set(call) == {"c-fallback"}  # the Local channel's other half (";2") is another channel
    fallback = call["c-fallback"]
    assert fallback.answered_at == at("1796616685.311214")
    assert fallback.fallback_at == at("1796616690.323905")
    assert fallback.fallback_amd == ("NOTSURE", "TOOLONG-4900")
    assert (fallback.cause, fallback.hangup_source) == (16, "dialplan/builtin")
    assert not fallback.hung_up_by_far_end


def test_a_bridged_leg(tmp_path: Path) -> None:
    shutil.copy(REAL, tmp_path / "cel.csv")
    op = read_calls(tmp_path, ["op-1001"])["op-1001"]
    assert op.bridged_at == at("1796616684.306782")
    assert op.unbridged_at == at("1796616693.322822")
    assert op.ended_at == at("1796616693.326766")


def test_every_file_of_the_folder_is_read_and_a_missing_folder_is_no_record(tmp_path: Path) -> None:
    lines = REAL.read_text().splitlines(keepends=True)
    (tmp_path / "pbx1.csv").write_text("".join(lines[:4]))
    (tmp_path / "pbx2.csv").write_text("".join(lines[4:]) + "not,a,record\n")
    (tmp_path / "notes.txt").write_text(lines[4])
    found = read_calls(tmp_path, ["c-fallback", "c-ring"])
    assert found["c-fallback"].answered_at is not None and found["c-fallback"].ended_at is not None
    assert found["c-ring"].cause == 19
    assert read_calls(tmp_path / "nowhere", ["c-ring"]) == {}


def _bridge_line(event: str, epoch: float, uid: str, channel: str, bridge: str) -> str:
    extra = {"bridge_id": bridge, "bridge_technology": "softmix"}
    return format_line(CelEvent(event, "", datetime.fromtimestamp(epoch, UTC), uid, uid, channel, extra))


def test_the_channel_a_call_was_put_through_to_is_named(tmp_path: Path) -> None:
    """The operator held in their ConfBridge since before the call (an earlier customer left it),
    the customer entering it; another bridge and a leg that left before do not count."""
    b, other = "92985740-977b-4b20-b85c-2a39a2e1e474", "0b1c-other"
    lines = [
        _bridge_line("BRIDGE_ENTER", 100.0, "op-1001", "PJSIP/1001-00000001", b),
        _bridge_line("BRIDGE_ENTER", 101.0, "c-old", "PJSIP/trunk-00000002", b),
        _bridge_line("BRIDGE_EXIT", 130.0, "c-old", "PJSIP/trunk-00000002", b),
        _bridge_line("BRIDGE_ENTER", 139.0, "op-1002", "PJSIP/1002-00000003", other),
        _bridge_line("BRIDGE_ENTER", 140.0, "c-new", "PJSIP/trunk-00000004", b),
        _bridge_line("BRIDGE_EXIT", 170.0, "c-new", "PJSIP/trunk-00000004", b),
    ]
    (tmp_path / "pbx.csv").write_text("\n".join(lines) + "\n")
    found = read_calls(tmp_path, ["c-new", "c-old"])
    assert found["c-new"].bridged_with == "PJSIP/1001-00000001"
    assert found["c-old"].bridged_with == "PJSIP/1001-00000001"


def test_a_dialed_operator_entering_just_after_the_customer_is_the_partner(tmp_path: Path) -> None:
    b = "dial-bridge-1"
    lines = [
        _bridge_line("BRIDGE_ENTER", 140.00, "c-1", "PJSIP/trunk-00000004", b),
        _bridge_line("BRIDGE_ENTER", 140.02, "op-1", "PJSIP/1003-00000005", b),
        _bridge_line("BRIDGE_ENTER", 145.00, "spy", "PJSIP/1009-00000006", b),  # came in later
    ]
    (tmp_path / "pbx.csv").write_text("\n".join(lines) + "\n")
    assert read_calls(tmp_path, ["c-1"])["c-1"].bridged_with == "PJSIP/1003-00000005"


def test_a_call_alone_in_its_bridge_has_no_partner(tmp_path: Path) -> None:
    shutil.copy(REAL, tmp_path / "cel.csv")
    assert read_calls(tmp_path, ["op-1001"])["op-1001"].bridged_with is None
