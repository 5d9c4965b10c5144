"""The billing-export benchmark runs small and ends with its one-line JSON summary; the CSV it wrote
has every row priced by ``charge_call`` under the benchmark contract's terms and totals equal to the
sum of the rows (figures are measured, not asserted)."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import defaultdict
from decimal import Decimal

import pytest

from dialer.billing.talk_time import TalkRounding, TalkTariff, charge_call
from dialer.billing_export.layout import COLUMNS
from tests.conftest import DB_KIND, PG_ADMIN_URL, REPO_ROOT

pytestmark = pytest.mark.skipif(DB_KIND != "postgresql", reason="the benchmark runs on PostgreSQL")


def load_benchmark():
    spec = importlib.util.spec_from_file_location(
        "billing_export_bench", REPO_ROOT / "benchmarks" / "billing_export.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_its_json_summary_last_and_its_csv_adds_up(capsys, tmp_path):
    bench = load_benchmark()
    output = tmp_path / "billing.csv"
    assert (
        bench.main(
            ["--rows", "3000", "--pg-url", PG_ADMIN_URL, "--output", str(output), "--batch-rows", "700"]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(summary) == {"rows", "rows_per_s", "peak_rss_mb"}
    assert summary["rows"] == 3000 and summary["rows_per_s"] > 0 and summary["peak_rss_mb"] > 0

    terms = bench.CONTRACT_TERMS
    tariff = TalkTariff(
        terms["rate"],
        TalkRounding(terms["talk_increment_s"], terms["talk_minimum_s"], terms["talk_free_under_s"]),
    )
    with output.open(encoding="utf-8-sig", newline="") as file:
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in list(csv.reader(file, delimiter=";"))[1:]]
    calls, (total,) = rows[:-1], rows[-1:]
    assert len(calls) == 3000 and total["call id"] == "total" and total["calls"] == "3000"
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in calls:
        charge = charge_call(int(row["talk seconds"]), tariff)
        assert (int(row["billable units"]), Decimal(row["amount"])) == (charge.billable_units, charge.amount)
        for column in ("talk seconds", "billable units", "amount"):
            sums[column] += Decimal(row[column])
    assert {column: Decimal(total[column]) for column in sums} == sums
    assert sums["amount"] > 0 and any(row["talk seconds"] == "0" for row in calls)
    assert {row["campaign"] for row in calls} == set(bench.CAMPAIGNS)
