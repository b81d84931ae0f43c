"""`stafett schemas install|status` with the real official files: found by name in the shared-data layout and in a
flat folder of downloads, checked against the pinned sha256 (a differing file is refused by name), looked up in the
documented order; a served hub without them answers 503 naming the command, and 200 once they are installed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest

from hub.core.external_schemas import find_schema, installed_root
from hub.core.schema_manifest import file_sha256, formats
from hub.core.settings import Settings
from tests.cli.helpers import ROOT, one_line_error, stafett
from tests.processes import Database, HubProcess
from tests.shared_data import require_shared


def manifest_files():
    return [f for fmt in formats() for f in fmt.files]


def installed(data_dir: Path) -> dict[str, str]:
    root = data_dir / "external-schemas"
    return {str(p.relative_to(root)): file_sha256(p) for p in root.rglob("*") if p.is_file()} if root.exists() else {}


def test_the_manifest_pins_exactly_what_the_adapters_read():
    """Every adapter that reads an official schema at run time is in the manifest with every file it asks for; SIF AU
    reads none (its XSD is used by tests only), so it is not."""
    from adapters.ks_bekymringsmelding import schemas as ks
    from adapters.ssb_barnevern import schema as ssb
    from adapters.uk_cin import schema as cin

    readers = {p.parent.name.replace("_", "-") for p in (ROOT / "adapters").rglob("*.py") if "external_schema_path" in p.read_text()}
    assert readers == {fmt.id for fmt in formats()} == {"ssb-barnevern", "ks-bekymringsmelding", "uk-cin"}
    wanted = {ssb.XSD_SUBDIR / name for name in ssb._XSD_FILES.values()}
    wanted |= {ks.SCHEMA_SUBDIR / name for name in [*ks.SCHEMA_FILES.values(), "adresse.json", ks.ERROR_RECEIPT_FILE]}
    wanted |= {cin.SCHEMA_SUBDIR / name for name in cin.SCHEMA_FILES.values()}
    assert {Path(f.path) for f in manifest_files()} == wanted
    assert len({f.name for f in manifest_files()}) == len(manifest_files()), "names are unique: install finds files by name"


def test_the_pinned_checksums_are_those_of_the_publishers_files():
    for f in manifest_files():
        assert file_sha256(require_shared(*f.path.parts)) == f.sha256, f.name
        assert f.published.startswith("https://raw.githubusercontent.com/") and re.search(r"/[0-9a-f]{40}/", f.published)


def test_install_from_the_shared_data_layout(tmp_path):
    source = require_shared()
    result = stafett("schemas", "install", str(source), HUB_DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert installed(tmp_path / "data") == {str(f.path): f.sha256 for f in manifest_files()}
    status = stafett("schemas", "status", HUB_DATA_DIR=str(tmp_path / "data"), HUB_SHARED_DATA=str(tmp_path / "none"))
    assert status.returncode == 0, status.stderr
    for fmt in formats():
        assert f"{fmt.id}: read from the installed folder" in status.stdout
    assert status.stdout.count("installed; read from the installed folder") == len(manifest_files())


@pytest.fixture
def downloads(tmp_path) -> Path:
    """A flat folder as an operator fills it from the publishers (same names), plus a same-named file that is not the
    schema (KS's example error receipt feilmelding.json) in a subfolder."""
    folder = tmp_path / "downloads"
    (folder / "examples").mkdir(parents=True)
    for f in manifest_files():
        shutil.copyfile(require_shared(*f.path.parts), folder / f.name)
    shutil.copyfile(require_shared("ks-bekymringsmelding", "schema", "examples", "feilmelding.json"), folder / "examples" / "feilmelding.json")
    return folder


def test_install_from_a_flat_folder_of_downloads(downloads, tmp_path):
    result = stafett("schemas", "install", str(downloads), HUB_DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert installed(tmp_path / "data") == {str(f.path): f.sha256 for f in manifest_files()}


def test_a_file_whose_checksum_differs_is_refused_by_name(downloads, tmp_path):
    changed = downloads / "CIN_schema_2024.xsd"
    changed.write_bytes(changed.read_bytes().replace(b"RC9", b"RC8", 1))
    result = stafett("schemas", "install", str(downloads), HUB_DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 1
    assert f"refused uk-cin: {changed} has sha256 {file_sha256(changed)}" in result.stderr.replace("\n", "")
    assert "Traceback" not in result.stderr
    files = installed(tmp_path / "data")
    assert not any(path.startswith("uk-childrens-social-care") for path in files)  # the whole format is refused
    assert any(path.startswith("ssb-barnevern") for path in files)  # the others are installed


def test_a_folder_without_any_schema_installs_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    result = stafett("schemas", "install", str(tmp_path / "empty"), HUB_DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 1 and "error: no schema installed from" in result.stderr
    one_line_error(stafett("schemas", "install", str(tmp_path / "absent")), "is not a folder")


def test_lookup_order(tmp_path):
    relative = "ssb-barnevern/xsd/Barnevern_v1.2.xsd"
    data, shared, external = tmp_path / "data", tmp_path / "shared", tmp_path / "external"
    for root in (shared, external):
        (root / relative).parent.mkdir(parents=True)
        (root / relative).write_text("x")
    base = {"database_url": "sqlite://", "data_dir": data, "shared_data": shared}
    assert find_schema(relative, Settings(**base)) == ("shared data folder", shared / relative)  # the developer fallback
    (installed_root(Settings(**base)) / relative).parent.mkdir(parents=True)
    (installed_root(Settings(**base)) / relative).write_text("x")
    assert find_schema(relative, Settings(**base)) == ("installed folder", data / "external-schemas" / relative)
    assert find_schema(relative, Settings(**base, external_schemas=external)) == ("HUB_EXTERNAL_SCHEMAS", external / relative)
    assert find_schema(relative, Settings(**base, external_schemas=tmp_path / "nothing")) is None  # set: the only place


def test_a_served_hub_answers_503_naming_the_command_then_200_once_installed(tmp_path):
    payload = require_shared("ssb-barnevern", "examples", "test01_file06_total.xml").read_bytes()
    data_dir = tmp_path / "data"
    settings = {"HUB_DATA_DIR": str(data_dir), "HUB_SHARED_DATA": str(tmp_path / "no-shared-data")}
    db = Database.fresh(tmp_path, "schemas")
    hub = HubProcess("schemas", db, "1106", tmp_path / "hub.log", env_extra=settings)
    try:
        with_db = {"HUB_DATABASE_URL": db.url, **settings}
        assert stafett("orgs", "add", "--name", "Barneverntjenesten i Haugesund", "--sector", "child_welfare",
                       "--orgnr", "944117784", "--kommunenummer", "1106", **with_db).returncode == 0
        key, jwks = tmp_path / "bv-key.json", tmp_path / "bv-jwks.json"
        assert stafett("clients", "keygen", "--out", str(key), "--jwks", str(jwks)).returncode == 0
        added = stafett("clients", "add", "--org", "944117784", "--scopes", "ingest", "--jwks", str(jwks), **with_db)
        client_id = added.stdout.removeprefix("client_id: ").strip()
        hub.start()
        token = stafett("token", "--key", str(key), "--client-id", client_id, "--hub", hub.url).stdout.strip()

        def push() -> httpx.Response:
            return httpx.post(f"{hub.url}/api/v1/ingest/ssb-barnevern", content=payload, timeout=60,
                              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml; extract=total"})

        refused = push()
        assert refused.status_code == 503, refused.text
        assert "stafett schemas install <folder>" in refused.json()["detail"]
        assert "ssb-barnevern/xsd/Barnevern_v1.2.xsd" in refused.json()["detail"]
        assert stafett("schemas", "install", str(require_shared()), **settings).returncode == 0
        accepted = push()  # the running hub reads the installed folder at once
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["cases"]
    finally:
        hub.stop()
        db.drop()
