"""compose.yaml and the Dockerfile, checked without a docker engine: the services and how they are built, every HUB_
variable a real setting, the secrets required, the health checks asking /readyz; the image runs `stafett serve` as
a user that is not root. (.ci/run builds the image and runs `docker compose config` where docker is available.)
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from hub.core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _setting_names() -> set[str]:
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"HUB_{name.upper()}")
        alias = field.validation_alias
        names |= {choice for choice in getattr(alias, "choices", ()) if isinstance(choice, str)}
    return names


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_the_hub_its_worker_and_postgresql_with_a_volume():
    spec = compose()
    services = spec["services"]
    assert set(services) == {"db", "hub", "worker"}
    assert services["db"]["image"].startswith("postgres:")
    volume = services["db"]["volumes"][0].split(":")
    assert volume[1] == "/var/lib/postgresql/data" and volume[0] in spec["volumes"]
    assert services["hub"]["build"] == "." and services["worker"]["image"] == services["hub"]["image"]
    assert services["hub"]["command"][:2] == ["stafett", "serve"] and services["worker"]["command"] == ["stafett", "worker"]
    assert services["hub"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["hub"]["condition"] == "service_healthy"


def test_every_hub_variable_in_compose_is_a_setting_and_the_secrets_are_required():
    known = _setting_names()
    for name in ("hub", "worker"):
        environment = compose()["services"][name]["environment"]
        hub_names = {key for key in environment if key.startswith("HUB_")}
        assert hub_names - known == set(), f"{name}: not settings of hub/core/settings.py"
        for secret in ("HUB_KEY_ENCRYPTION_KEY", "HUB_AUDIT_HMAC_KEY"):
            assert re.fullmatch(rf"\$\{{{secret}:\?[^}}]+\}}", environment[secret]), f"{name}: {secret} must be required"
        assert environment["HUB_DATABASE_URL"].startswith("postgresql://") and "@db:5432/" in environment["HUB_DATABASE_URL"]
    assert compose()["services"]["worker"]["environment"]["HUB_WORKER_METRICS_PORT"] == "9100"


def test_the_hubs_health_check_asks_readyz():
    hub = compose()["services"]["hub"]
    assert any("/readyz" in part for part in hub["healthcheck"]["test"])
    assert any("/readyz" in line for line in (ROOT / "Dockerfile").read_text().splitlines() if "urlopen" in line)


def test_the_image_serves_as_a_user_that_is_not_root():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "FROM python:3.11-slim"
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert lines[-1] == 'CMD ["stafett", "serve"]'
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "tests", "*.db"} <= set(ignored)
