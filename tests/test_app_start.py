import httpx

from api.app import create_app
from dialer.db.migrate import current_revision
from dialer.settings import Settings


async def test_service_migrates_a_fresh_database_on_start_and_reports_health(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "data"))
    async with app.router.lifespan_context(app):
        assert await current_revision(app.state.engine) is not None
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/health")
            assert response.status_code == 200
            assert response.json() == {"status": "ok", "database": "sqlite"}
            schema = (await client.get("/openapi.json")).json()
            assert schema["info"]["title"] == "Dialer"
    assert (tmp_path / "data" / "dialer.db").is_file()
