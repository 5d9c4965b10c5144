"""Any prefix a delivery target accepts gives pack names that are valid keys under that prefix, on a
folder and on S3 alike; any prefix that could not is refused when the target is set."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from dialer.call_recordings.daily_pack import MANIFEST_NAME, pack_folder
from dialer.call_recordings.delivery import DeliveryIn
from recordings.store import validate_key

PREFIXES = st.text(alphabet=st.sampled_from("ab/._-\\: \x00é"), max_size=12)


@given(prefix=PREFIXES, day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_an_accepted_prefix_gives_valid_keys_under_it(prefix: str, day: date) -> None:
    try:
        target = DeliveryIn(kind="s3", bucket="client-calls", prefix=prefix)
    except ValidationError as exc:
        assert "prefix" in str(exc)
        return
    for name in (MANIFEST_NAME, "call-17.mp3"):
        key = validate_key(pack_folder(target.prefix, day) + name)
        assert key.startswith(prefix.strip("/")) and key.endswith(f"{day.isoformat()}/{name}")


def test_a_local_target_needs_an_absolute_folder_and_s3_a_bucket() -> None:
    with pytest.raises(ValidationError, match="folder"):
        DeliveryIn(kind="local", folder="packs")
    with pytest.raises(ValidationError, match="bucket"):
        DeliveryIn(kind="s3")
    assert DeliveryIn(kind="local", folder="/srv/packs").folder == "/srv/packs"
