"""Properties of the row rules, whatever the rows: every row is counted once, no number twice."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.contacts.columns import plan_columns
from dialer.contacts.phones import PhoneNormaliser
from dialer.contacts.report import ImportReport
from dialer.contacts.rows import ContactRows

NUMBERS = ["8 916 000-00-0{}", "+7 916 000 00 0{}", "7916000000{}", "916-000-00-0{}", "8495150222{}"]
phone_cell = st.one_of(
    st.builds(lambda shape, digit: shape.format(digit), st.sampled_from(NUMBERS), st.integers(0, 9)),
    st.sampled_from(["", " ", "нет", "8 916", "89160000001, 89160000002", "abc"]),
)
row = st.lists(st.one_of(phone_cell, st.text(max_size=5)), min_size=0, max_size=5)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(phone_cell, phone_cell, row), max_size=40), known=st.sets(st.integers(0, 9)))
def test_every_row_is_counted_once_and_no_number_is_kept_twice(rows, known):
    plan = plan_columns(["Телефон", "Телефон 2", "ФИО", "Город", "Комментарий"])
    report = ImportReport(job_id=1, status="running")
    existing = {int(f"7916000000{d}"): 0 for d in known}
    builder = ContactRows(
        plan,
        PhoneNormaliser("RU"),
        report,
        campaign_id=1,
        import_id=1,
        known=dict(existing),
        dnc={79160000003},
    )
    records = []
    non_blank = 0
    for number, (first, second, rest) in enumerate(rows, start=2):
        cells = [first, second, *rest]
        if any(c.strip() for c in cells):
            non_blank += 1
        record = builder.build(number, cells)
        if record is not None:
            records.append(record)
    assert report.rows_read == non_blank
    assert report.imported + report.duplicates + report.rejected == report.rows_read
    assert report.imported == len(records)
    kept = [r[1] for r in records] + [n for r in records for n in json.loads(r[3])]
    assert len(kept) == len(set(kept))
    assert not {int(n[1:]) for n in kept} & set(existing)
    for r in records:
        numbers = {r[1], *json.loads(r[3])}
        if "+79160000003" in numbers:  # on the do-not-call list: loaded, but marked
            assert r[9] is True
        assert r[8] == ("do_not_call" if r[9] else "new")
