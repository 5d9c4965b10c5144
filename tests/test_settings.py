from pathlib import Path

import pytest

from dialer.settings import Settings, load_settings


def test_every_setting_has_a_default_and_a_description():
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} is undocumented"
        assert not field.is_required(), f"setting {name} has no default"


def test_default_database_is_a_sqlite_file_in_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DIALER_DATABASE_URL", raising=False)
    monkeypatch.setenv("DIALER_DATA_DIR", str(tmp_path / "data"))
    url = load_settings().effective_database_url
    assert url == f"sqlite+aiosqlite:///{(tmp_path / 'data' / 'dialer.db').resolve()}"


def test_file_is_read_and_environment_wins_over_it(monkeypatch, tmp_path: Path):
    config = tmp_path / "dialer.toml"
    config.write_text('api_port = 9100\ndefault_country = "KZ"\n', encoding="utf-8")
    monkeypatch.setenv("DIALER_CONFIG_FILE", str(config))
    monkeypatch.setenv("DIALER_DEFAULT_COUNTRY", "BY")
    settings = load_settings()
    assert settings.api_port == 9100
    assert settings.default_country == "BY"


def test_database_url_points_at_postgresql(monkeypatch):
    monkeypatch.setenv("DIALER_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/x")
    assert load_settings().effective_database_url.startswith("postgresql+asyncpg://")


def test_secret_key_is_not_shown_in_repr():
    settings = Settings(secret_key="hunter2")
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.model_dump())


@pytest.mark.parametrize("bad", ["not-a-number"])
def test_a_bad_value_names_the_setting(monkeypatch, bad):
    monkeypatch.setenv("DIALER_API_PORT", bad)
    with pytest.raises(ValueError, match="api_port"):
        load_settings()
