"""Typed settings, read once at start from the environment (``DIALER_*``) and an optional TOML file.

The file is named by ``DIALER_CONFIG_FILE``; environment variables win over it. Every setting has a
default, so ``dialer serve`` runs on a fresh machine with a SQLite file under ``data/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DIALER_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Folder for the SQLite file, uploads and recordings.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; default sqlite+aiosqlite:///<data_dir>/dialer.db. "
        "PostgreSQL: postgresql+asyncpg://user@host:5432/dbname.",
    )
    api_host: str = Field("127.0.0.1", description="Address the HTTP API listens on.")
    api_port: int = Field(8000, description="Port the HTTP API listens on.")
    default_country: str = Field("RU", description="Country for numbers without a country code.")
    import_max_bytes: int = Field(
        512 * 1024 * 1024, description="Largest contact or do-not-call file accepted, in bytes."
    )
    import_batch_rows: int = Field(5000, description="Rows written to the database per batch on import.")
    secret_key: SecretStr = Field(
        SecretStr("change-me"), description="Key for signing links and webhooks; set it in production."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("DIALER_CONFIG_FILE")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'dialer.db').resolve()}"


def load_settings(**overrides: Any) -> Settings:
    return Settings(**overrides)
