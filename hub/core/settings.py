"""The one settings object (environment prefix HUB_); nothing else in the hub reads the environment.

Defaults run an embedded SQLite hub on 127.0.0.1; production points HUB_DATABASE_URL at PostgreSQL.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _renamed(name: str) -> AliasChoices:
    """HUB_OUTBOX_<name>, and HUB_TRANSFER_<name> as it was called before the outbox left the transfer domain."""
    return AliasChoices(f"HUB_OUTBOX_{name.upper()}", f"HUB_TRANSFER_{name.upper()}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore", populate_by_name=True)

    database_url: str = "sqlite:///./stafett.db"
    host: str = "127.0.0.1"
    port: int = 8000
    hub_name: str = "stafett-hub"
    municipality: str | None = Field(default=None, description="kommunenummer this hub serves by default")
    max_payload_bytes: int = Field(
        default=20 * 1024 * 1024, gt=0, description="largest payload pushed to ingest or POST /fhir (413 beyond it)"
    )
    api_max_body_bytes: int = Field(
        default=1024 * 1024, gt=0, description="largest body of any other /api or /fhir request (JSON writes); 413 beyond it"
    )
    token_request_max_bytes: int = Field(default=64 * 1024, gt=0, description="largest body of POST /oauth/token")
    max_json_depth: int = 64
    max_xml_seconds: float = 5.0
    validation_workers: int = Field(
        default=1,
        ge=0,
        description="worker processes that validate FHIR payloads while the pipeline maps and writes them "
        "(nothing commits before the verdict); 0 validates in the request's own thread",
    )
    wal_checkpoint_seconds: float = Field(
        default=1.0,
        gt=0,
        description="SQLite: seconds between the served hub's copies of its write-ahead log into the database file, "
        "made by a background thread (no request waits for them)",
    )
    sqlite_analyze_seconds: float = Field(
        default=600.0,
        gt=0,
        description="SQLite: seconds between the served hub's refreshes of the query planner's statistics (a sampled "
        "ANALYZE, milliseconds at any size; SQLite gathers none itself)",
    )
    mappings_dir: Path = PROJECT_ROOT / "mappings"
    schemas_dir: Path = PROJECT_ROOT / "schemas"
    shared_data: Path | None = None
    data_dir: Path = Field(
        default=Path("var"),
        description="the hub's own files: installed external schemas (`stafett schemas install`), the demo's database "
        "and keys; relative to the working directory",
    )
    external_schemas: Path | None = Field(
        default=None,
        description="folder with the official XSD/JSON Schemas of external formats; when set, the only place they are "
        "read from (default: those installed under data_dir, else the shared data folder)",
    )
    require_shared_data: bool = False
    log_level: str = "INFO"
    public_url: str | None = Field(
        default=None,
        description="the hub's external base URL: the issuer and audience of its access tokens, the client assertion "
        "audience <public_url>/oauth/token and the base of FHIR URLs; without it http://<host>:<port> (never the "
        "request's Host header), with a warning at start",
    )
    access_token_seconds: int = Field(default=300, le=300)
    assertion_max_lifetime_seconds: int = 120
    assertion_iat_skew_seconds: int = 10
    oidc_issuer: str | None = None
    oidc_audience: str | None = Field(
        default=None, description="the aud an ID token must name; without it no ID token is accepted (guardians cannot log in)"
    )
    oidc_jwks_file: Path | None = None
    require_if_match: bool = Field(
        default=False,
        description="writes that change an existing case, measure, goal or consent must carry If-Match (else 428); "
        "without it a missing If-Match is allowed (a stale one never is)",
    )
    authoritative_sources: str = Field(
        default="",
        description="organisasjonsnummer (comma-separated) of the sources whose demographics of a child rank as the "
        "national registry's, over every other source (none by default)",
    )
    oidc_max_token_lifetime_seconds: int = Field(
        default=3600, gt=0, description="an ID token whose exp is further than this from its iat, or from now, is refused"
    )
    oidc_clock_skew_seconds: int = Field(default=30, ge=0, description="leeway for an ID token's iat and nbf against this hub's clock")
    token_rate_per_client: float = Field(
        default=30.0, gt=0, description="POST /oauth/token: tokens a client may get per minute (a bucket of token_burst_per_client)"
    )
    token_burst_per_client: int = Field(default=10, ge=1)
    token_rate_per_address: float = Field(
        default=120.0, gt=0, description="POST /oauth/token: requests per minute from one remote address (a bucket of token_burst_per_address)"
    )
    token_burst_per_address: int = Field(default=60, ge=1)
    young_person_consent_age: int = Field(default=15, ge=15, le=16)
    guardian_health_cutoff_age: int = 16
    # the outbox's deliveries (hub.outbox). Each was a transfer setting and still answers to its old name:
    # HUB_TRANSFER_MAX_ATTEMPTS for HUB_OUTBOX_MAX_ATTEMPTS and so on; where both are set, the new name wins.
    outbox_max_attempts: int = Field(
        default=10, ge=1, validation_alias=_renamed("max_attempts"), description="deliveries tried before an item is parked"
    )
    outbox_backoff_seconds: float = Field(
        default=2.0, validation_alias=_renamed("backoff_seconds"), description="the wait after a first failure, doubled after each next one"
    )
    outbox_backoff_max_seconds: float = Field(
        default=600.0, validation_alias=_renamed("backoff_max_seconds"), description="the longest wait between two attempts"
    )
    outbox_http_timeout_seconds: float = Field(
        default=15.0, validation_alias=_renamed("http_timeout_seconds"), description="the timeout of one delivery"
    )
    outbox_lease_seconds: float = Field(
        default=120.0, validation_alias=_renamed("lease_seconds"), description="how long a claim holds an item before another worker may take it"
    )
    outbox_batch_size: int = Field(default=20, validation_alias=_renamed("batch_size"), description="items one claim takes")
    # transfer between hubs and the worker (issue 7)
    transfer_http_timeout_seconds: float = Field(default=15.0, description="the timeout of fetching other hubs' keys")
    transfer_max_package_bytes: int = 64 * 1024 * 1024
    transfer_pending_days: int = 30
    peer_jwks_ttl_seconds: int = 3600
    worker_poll_seconds: float = 2.0
    # secrets kept outside the database (hub.keys.secrets) and the audit trail's anchors (hub.audit.anchors)
    key_encryption_key: SecretStr | None = Field(
        default=None,
        description="base64 of 32 random bytes: the AES-256-GCM key that encrypts the hub's private keys in the database "
        "(unset: read from, or generated once into, the secrets folder; a PostgreSQL hub without it and without "
        "HUB_SECRETS_DIR refuses to start)",
    )
    audit_hmac_key: SecretStr | None = Field(
        default=None,
        description="base64 of at least 32 random bytes: the HMAC-SHA256 key of the audit trail's person references "
        "(unset: found as HUB_KEY_ENCRYPTION_KEY is, in the file audit-hmac.key)",
    )
    secrets_dir: Path | None = Field(
        default=None,
        description="folder holding the secrets not given above (key-encryption.key, audit-hmac.key), each generated "
        "there once when missing; default for a SQLite hub: the folder <database name>-secrets beside the database "
        "file; a PostgreSQL hub has no default",
    )
    audit_anchor_file: Path | None = Field(
        default=None,
        description="file the worker appends the audit chain's signed head to (one JSON line per anchor) and "
        "`stafett audit verify` checks against; put it where the database's users cannot write",
    )
    audit_anchor_seconds: float = Field(
        default=300.0,
        gt=0,
        description="seconds between the worker's anchors (only when the chain has grown): the bound of what an "
        "anchor cannot vouch for",
    )

    measures_due_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="seconds between the worker's look for measures whose evaluation fell due (announced once per due "
        "date as a measure.due event)",
    )

    # operations (hub.ops): metrics and readiness
    metrics_enabled: bool = Field(
        default=True, description="serve Prometheus metrics at /metrics (counts and timings only, never a child's data)"
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="a scrape of /metrics must carry Authorization: Bearer <this>; unset, /metrics answers loopback "
        "callers only (403 to others)",
    )
    worker_metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="`stafett worker` serves its Prometheus metrics on this port (unset: none)"
    )
    worker_metrics_host: str = Field(default="127.0.0.1", description="the interface of the worker's metrics port")
    # identity (hub.identity): the matcher's thresholds, in match weight (the sum of log2(m/u) over the fields compared;
    # the weights are data: mappings/identity/weights.json)
    identity_link_threshold: float = Field(
        default=16.0,
        description="a record whose best candidate child scores this or more (and that passes the safety rules: never "
        "twins, never a namesake of another municipality) is linked to that child",
    )
    identity_review_threshold: float = Field(
        default=10.0,
        description="a record whose candidates score this or more but do not link gets its own child and a review",
    )
    ready_timeout_seconds: float = Field(
        default=2.0, gt=0, description="/readyz: how long the database may take to answer before the hub reports not ready"
    )

    @field_validator("metrics_token", mode="before")
    @classmethod
    def _no_empty_token(cls, value: object) -> object:
        """An empty HUB_METRICS_TOKEN (compose's `${HUB_METRICS_TOKEN:-}`) is no token, never one every caller has."""
        return None if isinstance(value, str) and not value.strip() else value

    def is_authoritative(self, orgnr: str | None) -> bool:
        """Whether an organisation (by organisasjonsnummer) is configured as an authoritative source of demographics."""
        return bool(orgnr) and orgnr in {part.strip() for part in self.authoritative_sources.split(",") if part.strip()}

    @property
    def base_url(self) -> str:
        """The hub's external base URL: HUB_PUBLIC_URL, else http://<host>:<port> of this process's settings."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
