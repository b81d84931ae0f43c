"""The hub's private keys are encrypted at rest under a key-encryption key kept outside the database: the hub_key rows
hold no private key material, a wrong or missing key-encryption key is refused clearly (by `stafett serve` and
`stafett worker` too, without a traceback), plain keys from before revision 0010 are encrypted on the first start and
stay the same keys, and signing and decryption still work.
"""

from __future__ import annotations

import base64
import json
import os
import secrets as random
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from joserfc import jwe, jws
from joserfc.jwk import RSAKey
from sqlalchemy import select, text

from hub.core.settings import Settings
from hub.db.engine import make_engine, session_scope
from hub.db.migrate import downgrade, upgrade
from hub.keys import service as keys
from hub.keys.models import HubKey
from hub.keys.secrets import SecretsProblem, audit_hmac_key
from hub.keys.wrapping import WrongKeyEncryptionKey, key_id
from tests.conftest import BACKEND, TEST_SECRETS

ROOT = Path(__file__).resolve().parents[2]
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")


def _new_kek() -> str:
    return base64.b64encode(random.token_bytes(32)).decode()


def _settings(db_url: str, **overrides) -> Settings:
    return Settings(database_url=db_url, **overrides)


def _stafett(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hub.cli.main", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    return {**env, "HUB_DATABASE_URL": db_url, "COLUMNS": "250", **extra}


def _private_values(settings: Settings, engine) -> list[str]:
    """The private members of every hub key, decrypted the hub's way (to look for them where they must not be)."""
    with session_scope(engine, write=False) as session:
        rows = list(session.scalars(select(HubKey)))
        found = []
        for row in rows:
            jwk = keys._private_jwk(row, keys._wrapper(settings))
            found += [jwk[m] for m in PRIVATE_MEMBERS]
    return found


def test_hub_key_rows_hold_no_private_key_material(db_url, engine):
    settings = _settings(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kid, private_jwk, private_encrypted, public_jwk FROM hub_key")).all()
        dumped = "\n".join(" ".join(str(c) for c in r) for r in conn.execute(text("SELECT * FROM hub_key")))
    assert {r.kid.split("-")[0] for r in rows} == {"sig", "enc"}
    for row in rows:
        assert row.private_jwk is None  # SQL NULL, not even a JSON null
        wrapped = json.loads(row.private_encrypted) if isinstance(row.private_encrypted, str) else row.private_encrypted
        assert wrapped["wrapper"] == "local-a256gcm" and wrapped["kek"] == key_id(base64.b64decode(TEST_SECRETS["HUB_KEY_ENCRYPTION_KEY"]))
        public = json.loads(row.public_jwk) if isinstance(row.public_jwk, str) else row.public_jwk
        assert not set(PRIVATE_MEMBERS) & set(public)
    secrets_in_rows = _private_values(settings, engine)
    assert len(secrets_in_rows) == len(rows) * len(PRIVATE_MEMBERS)
    assert not [v for v in secrets_in_rows if v in dumped]
    if BACKEND == "sqlite":  # nor anywhere in the database's files, free pages included
        path = Path(db_url.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
        assert not [v for v in secrets_in_rows if v.encode() in raw]
        assert base64.b64decode(TEST_SECRETS["HUB_KEY_ENCRYPTION_KEY"]) not in raw


def test_signing_and_decryption_work_with_the_encrypted_keys(engine, db_url):
    settings = _settings(db_url)
    with session_scope(engine) as session:
        signer = keys.signing_key(session, settings=settings)
        token = jws.serialize_compact({"alg": "RS256", "kid": signer.kid}, b"signed", signer)
        assert jws.deserialize_compact(token, keys.verification_keys(session)).payload == b"signed"
        public_enc = next(RSAKey.import_key(k) for k in keys.jwks(session)["keys"] if k["use"] == "enc")
        registry = jwe.JWERegistry(algorithms=["RSA-OAEP-256", "A256GCM"])
        sealed = jwe.encrypt_compact({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": public_enc.kid}, b"for the hub", public_enc, registry=registry)
        assert jwe.decrypt_compact(sealed, keys.decryption_keys(session, settings=settings), registry=registry).plaintext == b"for the hub"
        rotated = keys.rotate(session, use="sig", settings=settings)
        assert rotated.private_jwk is None and rotated.private_encrypted["kek"] == keys._wrapper(settings).key_id
        assert keys.signing_key(session, settings=settings).kid == rotated.kid


def test_a_wrong_key_encryption_key_is_refused_naming_both_keys(engine, db_url):
    right = keys._wrapper(_settings(db_url)).key_id
    wrong = _settings(db_url, key_encryption_key=_new_kek())
    with session_scope(engine) as session:
        keys.signing_key(session, settings=_settings(db_url))  # imported once with the right key: no shortcut for the wrong one
        with pytest.raises(WrongKeyEncryptionKey) as refused:
            keys.signing_key(session, settings=wrong)
        assert right in refused.value.detail and keys._wrapper(wrong).key_id in refused.value.detail
        assert "HUB_KEY_ENCRYPTION_KEY" in refused.value.detail
        with pytest.raises(WrongKeyEncryptionKey):
            keys.decryption_keys(session, settings=wrong)
        with pytest.raises(WrongKeyEncryptionKey):
            keys.ensure_keys(session, settings=wrong)
    for bad, says in (("not base64!", "not base64"), (base64.b64encode(b"short").decode(), "exactly 32")):
        with pytest.raises(SecretsProblem, match=says):
            with session_scope(engine) as session:
                keys.signing_key(session, settings=_settings(db_url, key_encryption_key=bad))


def test_a_row_altered_in_the_database_does_not_decrypt(engine, db_url):
    settings = _settings(db_url)
    with session_scope(engine) as session:
        sig, enc = (session.scalar(select(HubKey).where(HubKey.use == use)) for use in ("sig", "enc"))
        sig.private_encrypted, enc.private_encrypted = enc.private_encrypted, sig.private_encrypted  # swapped rows
    with session_scope(engine) as session, pytest.raises(WrongKeyEncryptionKey, match="was altered"):
        keys.ensure_keys(session, settings=settings)


def test_serve_and_worker_refuse_to_start_with_a_wrong_key_encryption_key(db_url):
    env = _env(db_url, HUB_AUDIT_HMAC_KEY=TEST_SECRETS["HUB_AUDIT_HMAC_KEY"], HUB_KEY_ENCRYPTION_KEY=_new_kek())
    for command in (("serve", "--port", "1", "--no-migrate"), ("worker", "--once")):
        done = _stafett(*command, env=env)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "refused to start" in done.stderr and "key-encryption key" in done.stderr
        assert "Traceback" not in done.stdout + done.stderr


def test_a_postgresql_hub_without_secrets_refuses_to_start_naming_the_settings():
    """A PostgreSQL hub may run on several machines: a key generated on one would not be known on the others."""
    env = _env("postgresql://nobody@127.0.0.1:1/nowhere")
    for command in (("serve", "--port", "1", "--no-migrate"), ("worker", "--once")):
        done = _stafett(*command, env=env)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "refused to start" in done.stderr and "HUB_KEY_ENCRYPTION_KEY" in done.stderr and "HUB_SECRETS_DIR" in done.stderr
        assert "Traceback" not in done.stdout + done.stderr


def test_a_sqlite_hub_without_secrets_generates_them_once_beside_its_database(tmp_path):
    database = tmp_path / "hub.db"
    url = f"sqlite:///{database}"
    upgrade(url)
    unset = {"key_encryption_key": None, "audit_hmac_key": None}
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            keys.ensure_keys(session, settings=_settings(url, **unset))
        folder = tmp_path / "hub-secrets"
        kek_file, hmac_file = folder / "key-encryption.key", folder / "audit-hmac.key"
        assert kek_file.is_file() and stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(kek_file.stat().st_mode) == 0o600
        kek = base64.b64decode(kek_file.read_text())
        with session_scope(engine) as session:
            row = session.scalar(select(HubKey).where(HubKey.use == "sig"))
            assert row.private_jwk is None and row.private_encrypted["kek"] == key_id(kek)
            keys.ensure_keys(session, settings=_settings(url, **unset))  # the second start reuses the key
        assert base64.b64decode(kek_file.read_text()) == kek
        assert not hmac_file.exists()  # made when first needed, and then kept
        hmac_key = audit_hmac_key(_settings(url, **unset)).value
        assert stat.S_IMODE(hmac_file.stat().st_mode) == 0o600 and base64.b64decode(hmac_file.read_text()) == hmac_key != kek
        engine.dispose()  # the last connection closed: the write-ahead log is in the database file
        assert len(kek) == 32 and kek not in database.read_bytes()
        # A copy of the database without its secrets folder opens nothing, and says where the key was looked for.
        elsewhere = tmp_path / "copy"
        elsewhere.mkdir()
        shutil.copyfile(database, elsewhere / "hub.db")
        copy_url = f"sqlite:///{elsewhere / 'hub.db'}"
        copy_engine = make_engine(copy_url)
        try:
            with session_scope(copy_engine) as session, pytest.raises(WrongKeyEncryptionKey) as refused:
                keys.ensure_keys(session, settings=_settings(copy_url, **unset))
        finally:
            copy_engine.dispose()
        assert str(elsewhere / "hub-secrets" / "key-encryption.key") in refused.value.detail
        assert not (elsewhere / "hub-secrets" / "key-encryption.key").exists()  # no new key that could never open them
    finally:
        engine.dispose()


def _old_style_keys(url: str) -> dict[str, dict]:
    """Keys as the hub stored them before revision 0010: the private JWK in plain."""
    made = {}
    engine = make_engine(url)
    with engine.begin() as conn:
        for use, alg in (("sig", "RS256"), ("enc", "RSA-OAEP-256")):
            key = RSAKey.generate_key(2048, parameters={"kid": f"{use}-old", "use": use, "alg": alg}, private=True)
            made[use] = key.as_dict(private=True)
            conn.execute(
                text("INSERT INTO hub_key (kid, use, alg, private_jwk, public_jwk, created_at) VALUES (:kid, :use, :alg, :priv, :pub, CURRENT_TIMESTAMP)"),
                {"kid": f"{use}-old", "use": use, "alg": alg, "priv": json.dumps(made[use]), "pub": json.dumps(key.as_dict(private=False))},
            )
    engine.dispose()
    return made


@pytest.fixture
def empty_database(db_url):
    """The test's database, migrated back to before the hub's keys were encrypted, with no keys in it."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM hub_key"))
    engine.dispose()
    downgrade(db_url, "0006")
    return db_url


def test_plain_keys_from_before_0010_are_encrypted_on_the_first_start_and_stay_the_same_keys(empty_database):
    url = empty_database
    made = _old_style_keys(url)
    upgrade(url)
    engine = make_engine(url)
    try:
        settings = _settings(url)
        with session_scope(engine) as session:
            assert session.get(HubKey, "sig-old").private_jwk == made["sig"]  # plain until the hub starts
            keys.ensure_keys(session, settings=settings)
        with session_scope(engine) as session:
            rows = {r.kid: r for r in session.scalars(select(HubKey))}
            assert set(rows) == {"sig-old", "enc-old"}  # the same keys, not new ones
            assert all(r.private_jwk is None and r.private_encrypted for r in rows.values())
            assert keys.signing_key(session, settings=settings).as_dict(private=True)["d"] == made["sig"]["d"]
        with engine.connect() as conn:
            dumped = " ".join(str(c) for r in conn.execute(text("SELECT * FROM hub_key")) for c in r)
        assert made["sig"]["d"] not in dumped and made["enc"]["d"] not in dumped
    finally:
        engine.dispose()


def test_a_downgrade_keeps_the_encrypted_keys_and_an_upgrade_brings_them_back(db_url, engine):
    with engine.connect() as conn:
        before = {r.kid: r.private_encrypted for r in conn.execute(select(HubKey.kid, HubKey.private_encrypted))}
    downgrade(db_url, "0006")
    with engine.connect() as conn:
        kept = {r.kid: r.private_jwk for r in conn.execute(text("SELECT kid, private_jwk FROM hub_key"))}
    assert {k: json.loads(v) if isinstance(v, str) else v for k, v in kept.items()} == {k: {"encrypted": v} for k, v in before.items()}
    upgrade(db_url)
    with session_scope(engine) as session:
        assert {r.kid: r.private_encrypted for r in session.scalars(select(HubKey))} == before
        keys.ensure_keys(session, settings=_settings(db_url))
        assert keys.signing_key(session, settings=_settings(db_url)).kid in before
