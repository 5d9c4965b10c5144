"""Request bodies are capped per route while they stream in, for anonymous callers too, and a 422
never echoes a huge input back."""

from __future__ import annotations

from collections.abc import AsyncIterator

from api.errors import ECHO_LIMIT
from tests.api.conftest import detail

CHUNK = 64 * 1024
LIMIT = 1024 * 1024  # DIALER_BODY_MAX_BYTES's default


class Chunks:
    """A request body of ``total`` bytes sent in chunks, counting how many were taken."""

    def __init__(self, total: int, byte: bytes = b"a") -> None:
        self.total, self.byte, self.taken = total, byte, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent = 0
        while sent < self.total:
            self.taken += 1
            yield self.byte * CHUNK
            sent += CHUNK


async def test_a_declared_length_over_the_cap_is_refused_before_a_byte_is_read(client):
    body = Chunks(50 * 1024 * 1024)
    headers = {"Content-Type": "application/json", "Content-Length": str(body.total)}
    response = await client.post("/clients", content=body, headers=headers)
    assert response.status_code == 413
    assert (
        detail(response) == "the request body is larger than the 1,048,576-byte limit (DIALER_BODY_MAX_BYTES)"
    )
    assert body.taken <= 1  # the transport may hand over its first chunk; nothing more is read


async def test_an_anonymous_body_without_length_is_cut_off_at_the_cap(client):
    body = Chunks(50 * 1024 * 1024)
    response = await client.post("/clients", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert body.taken <= LIMIT // CHUNK + 2, body.taken  # 50 MB were offered, about 1 MB was read


async def test_the_sign_in_form_is_capped_too(client):
    body = Chunks(5 * 1024 * 1024)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post("/auth/token", content=body, headers=headers)
    assert response.status_code == 413
    assert body.taken <= LIMIT // CHUNK + 2


async def test_an_upload_route_takes_more_than_the_general_cap(client, admin, two_clients):
    campaign = two_clients[0].campaign_id
    rows = b"phone\n" + b"".join(b"+7495150%04d\n" % n for n in range(9000)) + b"#" * (LIMIT + 1)
    response = await client.post(
        f"/campaigns/{campaign}/contacts/import", files={"file": ("base.csv", rows)}, headers=admin
    )
    assert response.status_code != 413, response.text
    assert len(rows) > LIMIT


async def test_a_body_under_the_cap_goes_through(client, admin):
    response = await client.post("/clients", json={"name": "Romashka"}, headers=admin)
    assert response.status_code == 201


async def test_a_422_clips_every_echoed_input(client, admin):
    huge = "x" * 300_000
    response = await client.post("/clients", json={"name": huge, "country": "RU"}, headers=admin)
    assert response.status_code == 422
    assert len(response.content) < 2000
    [problem] = detail(response)
    assert problem["loc"] == ["body", "name"]
    assert problem["input"].startswith("x" * ECHO_LIMIT + "…")
    assert "300,000 characters" in problem["input"]

    response = await client.post("/clients", json=[huge], headers=admin)  # the whole body is the input
    assert response.status_code == 422
    assert len(response.content) < 2000


async def test_a_small_wrong_input_is_echoed_as_it_was(client, admin):
    response = await client.post("/clients", json={"name": "", "country": "RU"}, headers=admin)
    assert response.status_code == 422
    assert detail(response)[0]["input"] == ""


async def test_an_upload_over_the_import_limit_is_refused_before_it_is_read(client, admin, two_clients, app):
    body = Chunks(app.state.settings.import_max_bytes + 1024 * 1024)
    response = await client.post(
        f"/campaigns/{two_clients[0].campaign_id}/contacts/import",
        content=body,
        headers={
            **admin,
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(body.total),
        },
    )
    assert response.status_code == 413
    assert "DIALER_IMPORT_MAX_BYTES" in detail(response)
    assert body.taken <= 1
