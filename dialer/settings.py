"""Typed settings, read once at start from the environment (``DIALER_*``) and an optional TOML file.

The file is named by ``DIALER_CONFIG_FILE``; environment variables win over it. Every setting has a
default, so ``dialer serve`` runs on a fresh machine with a SQLite file under ``data/``.
"""

from __future__ import annotations

import os
import socket
from datetime import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from ami.settings import AmiSettings

ASTERISK_SPOOL = Path("/var/spool/asterisk")  # Asterisk's own spool, present where it is installed


class AmiServerSettings(BaseModel):
    """One Asterisk server: its manager interface (one AMI connection each) and its call rate."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("asterisk", description="Name of the server, used by trunks and call records.")
    host: str = Field("127.0.0.1", description="AMI host.")
    port: int = Field(5038, description="AMI port.")
    username: str = Field("autodialer", description="AMI user (manager.conf).")
    secret: SecretStr = Field(SecretStr(""), description="AMI secret; never logged.")
    calls_per_second: float = Field(
        10.0, gt=0, description="Most calls originated per second on this server."
    )

    def ami(self) -> AmiSettings:
        """The AMI client's settings for this server."""
        return AmiSettings(
            host=self.host, port=self.port, username=self.username, secret=self.secret.get_secret_value()
        )


class TrunkSettings(BaseModel):
    """A carrier trunk (a PJSIP endpoint on one server) customers are dialed through."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("trunk", description="PJSIP endpoint of the trunk: calls go to PJSIP/<number>@<name>.")
    server: str = Field("asterisk", description="Name of the AMI server that carries it.")
    max_lines: int = Field(30, ge=1, description="Most customer calls live on this trunk at once.")
    calls_per_second: float = Field(10.0, gt=0, description="Most calls placed per second on this trunk.")
    strip_plus: bool = Field(True, description="Dial E.164 numbers without their leading '+'.")
    prefix: str = Field("", description="Digits put before every number dialed on this trunk.")


INSECURE_DEFAULT_KEY = "change-me"


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
    import_max_rows: int = Field(
        5_000_000,
        ge=1,
        description="Most rows a contact or do-not-call file may have; a longer one is refused.",
    )
    import_xlsx_max_part_bytes: int = Field(
        256 * 1024 * 1024,
        ge=1,
        description="Largest size a part of an XLSX archive may inflate to (checked before inflating).",
    )
    import_xlsx_max_memory_bytes: int = Field(
        2 * 1024 * 1024 * 1024,
        ge=256 * 1024 * 1024,
        description="Address space of the child process that parses an XLSX workbook (RLIMIT_AS).",
    )
    secret_key: SecretStr = Field(
        SecretStr(INSECURE_DEFAULT_KEY),
        description="Key for signing tokens, links and webhooks; setting it marks a production setup.",
    )
    secrets_key: SecretStr = Field(
        SecretStr(""),
        description="Fernet key(s), comma-separated (the first seals, any opens), sealing the CRM signing "
        "secrets and S3 delivery keys stored in the database; empty: derived from DIALER_SECRET_KEY.",
    )
    # Signing in (dialer/auth): attempts counted in the database, so every process shares them.
    sign_in_window_s: float = Field(
        300.0, gt=0, description="Length of the window sign-in attempts are counted in, in seconds."
    )
    sign_in_max_per_account: int = Field(
        10, ge=1, description="Failed sign-ins per username in one window; more answer 429 until it ends."
    )
    sign_in_max_per_address: int = Field(
        50, ge=1, description="Failed sign-ins per client address in one window; more answer 429."
    )
    sign_in_blocked_pause_s: float = Field(
        1.0,
        ge=0,
        le=10,
        description="Seconds each attempt from an address past its limit waits for its 429: a flood answered "
        "at once only floods faster; 0: answer at once.",
    )
    sign_in_lock_after: int = Field(
        20,
        ge=0,
        description="Wrong passwords in a row that lock an account until an administrator unlocks it; "
        "0: never lock.",
    )
    # Request bodies: refused with 413 as soon as they pass the cap, before they are read whole.
    body_max_bytes: int = Field(
        1024 * 1024,
        ge=1024,
        description="Largest request body of any route but the file uploads (DIALER_IMPORT_MAX_BYTES), "
        "in bytes.",
    )

    # Operations (dialer/observability): logs, metrics, readiness.
    log_format: Literal["text", "json"] = Field(
        "text",
        description="Log lines as text, or one JSON object per line (with call, campaign and request "
        "ids where known); `dialer --log-format` wins over it.",
    )
    metrics_token: SecretStr = Field(
        SecretStr(""),
        description="Bearer token /metrics asks of Prometheus; empty: /metrics is open (serve it on an "
        "internal address only).",
    )
    health_tick_age_s: float = Field(
        30.0, gt=0, description="Readiness fails when the engine's last good pacing tick is older (s)."
    )
    health_writer_queue_max: int = Field(
        1000, ge=1, description="Readiness fails when more facts than this wait for the ordered writer."
    )
    health_outbox_lag_s: float = Field(
        300.0,
        gt=0,
        description="Readiness fails when an outbox's oldest due message (hot lead, e-mail) "
        "waited longer (s).",
    )

    # The engine: Asterisk servers, trunks, FastAGI, pacing loop and operator timings.
    ami_servers: list[AmiServerSettings] = Field(
        default_factory=lambda: [AmiServerSettings()],
        description="Asterisk servers, one AMI connection each; operators' softphones are on the first.",
    )
    trunks: list[TrunkSettings] = Field(
        default_factory=lambda: [TrunkSettings()], description="Trunks customers are dialed through."
    )
    agi_host: str = Field("127.0.0.1", description="Address the FastAGI server listens on.")
    agi_port: int = Field(
        4573, description="Port the FastAGI server listens on (DIALER_AGI in extensions.conf)."
    )
    agi_callback_host: str = Field(
        "",
        description="Address Asterisk reaches this FastAGI server at; when set, each call carries it "
        "(DIALER_AGI), so several engines can share one Asterisk. Empty: extensions.conf's DIALER_AGI.",
    )
    engine_id: str = Field(
        default_factory=socket.gethostname,
        description="This engine's name: owner of its campaigns and contact leases (default: host name).",
    )
    engine_tick_s: float = Field(1.0, gt=0, description="Seconds between two pacing decisions of a campaign.")
    engine_fact_hold_s: float = Field(
        1.0,
        ge=0,
        le=10,
        description="Seconds at most a call's ringing, answer and AMD verdict wait in memory for its next "
        "durable write (connected, abandoned, ended) to share its transaction; 0 writes each at once.",
    )
    engine_poll_s: float = Field(
        5.0,
        gt=0,
        description="Seconds between the engine's safety reads of campaigns, operator sessions and preview "
        "requests (changes reach it at once: NOTIFY on PostgreSQL, in-process on SQLite).",
    )
    lease_s: float = Field(
        300.0, gt=0, description="Seconds a leased contact stays reserved without renewal."
    )
    lease_renew_s: float = Field(60.0, gt=0, description="Seconds between renewals of the engine's leases.")
    campaign_owner_ttl_s: float = Field(
        60.0, gt=0, description="Seconds without heartbeat after which another engine may take a campaign."
    )
    connect_limit_s: float = Field(
        2.0, gt=0, description="Longest wait for a free operator after a person answers, for every campaign."
    )
    wrap_up_s: float = Field(
        10.0, ge=0, description="Wrap-up after a call of a campaign no longer running here."
    )
    max_lines_per_campaign: int = Field(100, ge=1, description="Most live calls of one campaign at once.")
    abandon_margin: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of answered calls kept between the abandon rate and its cap, on top of the "
        "few abandons pacing keeps in hand (0: pacing steers up to the cap itself).",
    )
    abandon_message: str = Field(
        "dialer/abandon", description="Sound an abandoned customer hears (the identification message)."
    )
    machine_message: str = Field(
        "", description="Sound left on an answering machine after its greeting; empty: machines are hung up."
    )
    amd_decision_timeout_s: float = Field(
        5.0, gt=0, description="Longest the FastAGI amd route waits for the engine's decision."
    )
    relogin_after_s: float = Field(
        10.0,
        gt=0,
        description="Seconds before an operator's failed or dropped nailed-up leg is called again.",
    )
    stop_grace_s: float = Field(
        120.0, ge=0, description="On stop, seconds live calls may take to finish before the process exits."
    )
    # E-mail (dialer/mail): reports and hot leads to the clients; empty host: no e-mail is sent.
    smtp_host: str = Field("", description="SMTP server for e-mail to clients; empty: e-mail is off.")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP server's port (587 with STARTTLS).")
    smtp_user: str = Field("", description="SMTP login; empty: no authentication.")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP password; never logged.")
    smtp_from: str = Field("dialer@localhost", description="Sender address of every e-mail.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS.")
    public_url: str = Field(
        "",
        description="Address people reach the API at, for links in e-mails, reports and shared "
        "recordings (default http://<api_host>:<api_port>; shared recording links need it in production).",
    )
    # Reports (dialer/reports) sent to the clients by the daily jobs; acceptance acts (dialer/acts).
    company_name: str = Field(
        "Контакт-центр", description="The centre's name as contractor on acceptance acts."
    )
    daily_report_at: time = Field(
        time(6, 0), description="UTC time of day after which yesterday's campaign reports are sent."
    )
    monthly_report_at: time = Field(
        time(7, 0),
        description="UTC time of day after which due monthly reports are made and acts' deadlines ticked.",
    )
    # Operators' softphones (dialer/softphones): the PJSIP endpoints the product provisions.
    pjsip_operators_file: Path | None = Field(
        None,
        description="The generated PJSIP include file with one endpoint, auth and AOR per enabled operator "
        "(asterisk-conf/pjsip.conf pulls it in with #tryinclude); rewritten from the database at start "
        "and on every operator change, then res_pjsip is reloaded over AMI (the first AMI server). "
        "Default: <data_dir>/pjsip_operators.conf, the file `dialer pbxsim` reads; with a real "
        "Asterisk: /etc/asterisk/pjsip_operators.conf.",
    )
    sip_public_host: str = Field(
        "",
        description="The SIP server softphones register to, as they reach it (shown in their settings "
        "and QR code); empty: the first AMI server's host.",
    )
    sip_public_port: int = Field(5060, ge=1, le=65535, description="The SIP port softphones register to.")
    sip_transport: Literal["udp", "tcp", "tls"] = Field(
        "udp", description="The SIP transport softphones use (transport-udp in asterisk-conf/pjsip.conf)."
    )
    # Recordings (dialer/call_recordings, recordings/): where they are filed and how.
    recordings_store: Literal["local", "s3"] = Field(
        "local", description="Where recordings are filed: a local folder or an S3-compatible bucket."
    )
    recordings_dir: Path | None = Field(
        None, description="Folder of the local store; default <data_dir>/recordings."
    )
    recordings_spool_dir: Path | None = Field(
        None,
        description="Folder Asterisk's MixMonitor writes to (DIALER_RECDIR in extensions.conf), as "
        "this machine sees it; each call's file is filed from there at hangup, then removed. Default: "
        "/var/spool/asterisk/dialer where Asterisk is installed here (/var/spool/asterisk exists), else "
        "<data_dir>/asterisk-spool, the folder `dialer pbxsim` writes to.",
    )
    pbx_record_dir: Path | None = Field(
        Path("/var/spool/asterisk/dialer-record"),
        description="Folder of Asterisk's own call record (CEL CSV files written by cel_custom, "
        "asterisk-conf/cel_custom.conf), as this machine sees it; read at start to settle the calls "
        "that ended while no engine watched. Unset: such calls are closed at the last moment they "
        "were seen alive and flagged for review.",
    )
    recordings_format: Literal["wav", "mp3", "opus"] = Field(
        "wav", description="Format recordings are filed in (mp3 and opus are transcoded with ffmpeg)."
    )
    recordings_keep_originals: bool = Field(
        False, description="With mp3 or opus: also file Asterisk's original WAV beside the transcoded file."
    )
    recordings_workers: int = Field(
        2, ge=1, le=32, description="Recordings filed (checked, transcoded, stored) at once, off the loop."
    )
    recordings_settle_s: float = Field(
        10.0, ge=0, description="Longest wait after hangup for Asterisk to finish writing a call's file."
    )
    recordings_s3_endpoint: str = Field(
        "", description="S3-compatible endpoint URL (MinIO, Ceph...); empty: AWS itself."
    )
    recordings_s3_bucket: str = Field("", description="S3 bucket recordings are filed in.")
    recordings_s3_region: str = Field("us-east-1", description="S3 region.")
    recordings_s3_prefix: str = Field("", description="Key prefix of every recording in the bucket.")
    recordings_s3_access_key_id: str = Field(
        "", description="S3 access key id; empty: boto3's usual credential chain."
    )
    recordings_s3_secret_access_key: SecretStr = Field(
        SecretStr(""), description="S3 secret access key; never logged."
    )
    recordings_retention_at: time = Field(
        time(2, 0), description="UTC time of day after which expired recordings are deleted."
    )
    recordings_pack_at: time = Field(
        time(1, 0), description="UTC time of day after which yesterday's recordings go to each client."
    )
    # Contract volumes (dialer/metering), watched by `dialer serve`.
    volume_check_s: float = Field(
        60.0,
        ge=0,
        description="Seconds between two checks of every running contract's volume and its alerts"
        " (a call's end also checks its contract); 0: no volume watch in this process.",
    )
    # Quality control (dialer/qa): the daily sample of each operator's calls queued for QA.
    qa_sample_per_operator: int = Field(
        5,
        ge=0,
        le=1000,
        description="Calls per operator and campaign queued for QA each day, unless the campaign's "
        "scorecard sets its own size; 0: none.",
    )
    qa_sample_at: time = Field(
        time(2, 0), description="UTC time of day after which yesterday's calls are sampled for QA."
    )
    qa_sample_seed: SecretStr | None = Field(
        None,
        description="Seed of the daily QA sample: the same seed and day give the same sample; unset: "
        "a fresh random seed each run (a QA person cannot predict which calls are heard).",
    )
    # Daily scheduled jobs (dialer/jobs), run by `dialer serve`.
    jobs_enabled: bool = Field(True, description="Run the daily jobs (retention, packs, reports) in serve.")
    jobs_poll_s: float = Field(60.0, gt=0, description="Seconds between two looks for due daily jobs.")
    jobs_retry_after_s: float = Field(
        600.0, gt=0, description="Seconds after a failed daily job before it is tried again the same day."
    )
    jobs_stale_after_s: float = Field(
        6 * 3600.0, gt=0, description="Seconds after which a job run whose process died is taken over."
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

    @property
    def production(self) -> bool:
        """True once ``DIALER_SECRET_KEY`` is set (not the shipped default, at least 16 characters).

        This is how the service tells a production setup from a development or demo one: without a
        key of its own it signs tokens and links with a random key that dies with the process, and it
        may take the address for shared links from the request; with one it must not."""
        key = self.secret_key.get_secret_value()
        return key != INSECURE_DEFAULT_KEY and len(key) >= 16

    @property
    def effective_recordings_spool_dir(self) -> Path:
        """``recordings_spool_dir``, else Asterisk's spool when Asterisk is installed on this machine,
        else the folder under ``data_dir`` the simulator writes to (so both pair with no settings)."""
        if self.recordings_spool_dir is not None:
            return self.recordings_spool_dir
        if ASTERISK_SPOOL.is_dir():
            return ASTERISK_SPOOL / "dialer"
        return self.data_dir / "asterisk-spool"

    @property
    def effective_pjsip_operators_file(self) -> Path:
        """``pjsip_operators_file``, else the file under ``data_dir`` the simulator reads."""
        if self.pjsip_operators_file is not None:
            return self.pjsip_operators_file
        return self.data_dir / "pjsip_operators.conf"

    @property
    def effective_sip_host(self) -> str:
        if self.sip_public_host:
            return self.sip_public_host
        return self.ami_servers[0].host if self.ami_servers else "127.0.0.1"

    @property
    def effective_public_url(self) -> str:
        """Where links in e-mails and reports point: ``public_url``, else the API's own address."""
        return (self.public_url or f"http://{self.api_host}:{self.api_port}").rstrip("/")


def load_settings(**overrides: Any) -> Settings:
    """The settings in force; installs their key for secrets stored sealed (``dialer.db.sealed``)."""
    settings = Settings(**overrides)
    install_sealer(settings)
    return settings


def install_sealer(settings: Settings) -> None:
    from dialer.db import sealed

    sealed.install(
        sealed.Sealer.from_config(
            settings.secrets_key.get_secret_value(), settings.secret_key.get_secret_value()
        )
    )
