"""Signed heads of the audit chain ("anchors"), kept where the chain's tables are not: signing the head with the hub's
RS256 key, the anchor file (one JSON line each), peers' anchors kept as witnesses, and loading anchors verified.

An anchor is a compact JWS (typ stafett-audit-anchor+jwt, kid = a hub signing key) of {"protocol":
"stafett-audit-anchor/1", "iss": <the hub's public URL or name>, "seq": <last event>, "head": <its hash>, "iat": <unix
seconds>}. A line of an anchor file is {"seq", "head", "signed_at", "hub", ..., "anchor": <the JWS>}; only the JWS counts.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, KeySetSerialization, RSAKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.audit.models import GENESIS, AuditEvent, AuditHead, AuditWitness
from hub.core.errors import HubError
from hub.core.settings import Settings
from hub.keys import service as keys
from hub.peers import service as peers

log = logging.getLogger("hub.audit")

PROTOCOL = "stafett-audit-anchor/1"
TYP = "stafett-audit-anchor+jwt"
MAX_TOKEN_CHARS = 8192
_REGISTRY = jws.JWSRegistry(algorithms=["RS256"])
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class AnchorRefused(HubError):
    """The chain's head is in doubt (its head row and its last event disagree): nothing is signed."""

    status = 409
    title = "Audit head in doubt"
    slug = "audit-head-in-doubt"


class AnchorInvalid(HubError):
    """An anchor that is not well-formed or does not verify with the keys it is checked against."""

    title = "Anchor invalid"
    slug = "anchor-invalid"


@dataclass(frozen=True)
class Anchor:
    seq: int
    head: str
    signed_at: datetime
    iss: str
    kid: str
    token: str
    source: str  # where it was read from, for messages: "anchors.jsonl line 3", "signed now"

    @property
    def when(self) -> str:
        return self.signed_at.strftime("%Y-%m-%d %H:%M:%S UTC")


def identity(settings: Settings) -> str:
    return settings.public_url.rstrip("/") if settings.public_url else settings.hub_name


# --- signing ---------------------------------------------------------------------------------------------------


def current_head(session: Session) -> tuple[int, str]:
    """(seq, hash) of the chain's last event, read with its head row in one statement (one snapshot on PostgreSQL
    too); AnchorRefused when the two disagree, as after a truncation that left the head row alone."""
    row = session.execute(
        select(AuditHead.seq, AuditHead.hash, AuditEvent.hash).outerjoin(AuditEvent, AuditEvent.seq == AuditHead.seq).where(AuditHead.id == 1)
    ).first()
    if row is None or row[0] == 0:
        return 0, GENESIS
    seq, head, event_hash = row
    if event_hash != head:
        found = "is missing" if event_hash is None else f"has hash {event_hash[:16]}…"
        raise AnchorRefused(
            f"the audit head row says seq {seq} with hash {head[:16]}…, but the event at seq {seq} {found}: "
            "run `stafett audit verify`; no anchor was signed"
        )
    return seq, head


def sign_head(session: Session, *, settings: Settings) -> Anchor | None:
    """The chain's head signed now with the hub's signing key; None while the chain is empty."""
    seq, head = current_head(session)
    if seq == 0:
        return None
    key = keys.signing_key(session, settings=settings)
    iat = int(datetime.now(UTC).timestamp())
    issuer = identity(settings)
    claims = {"protocol": PROTOCOL, "iss": issuer, "seq": seq, "head": head, "iat": iat}
    payload = json.dumps(claims, sort_keys=True, separators=(",", ":")).encode()
    token = jws.serialize_compact({"alg": "RS256", "kid": key.kid, "typ": TYP}, payload, key, registry=_REGISTRY)
    assert key.kid is not None  # the hub's keys are stored with their kid
    return Anchor(seq, head, datetime.fromtimestamp(iat, UTC), issuer, key.kid, token, "signed now")


def for_message(session: Session, *, settings: Settings) -> str | None:
    """The signed head that travels with a transfer message (None when the chain is empty or its head in doubt: the
    transfer does not wait on the audit's troubles, which `stafett audit verify` names)."""
    try:
        anchor = sign_head(session, settings=settings)
    except AnchorRefused:
        log.error("audit head in doubt; no anchor sent with the message")
        return None
    return anchor.token if anchor else None


# --- reading and checking -------------------------------------------------------------------------------------


def parse(token: str, *, keys: KeySet, source: str) -> Anchor:
    """The anchor in `token`, verified with `keys`; AnchorInvalid naming why not."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise AnchorInvalid(f"{source}: not an anchor (a compact JWS of at most {MAX_TOKEN_CHARS} characters)")
    try:
        header = jws.extract_compact(token.encode("ascii"), registry=_REGISTRY).headers()
    except (JoseError, ValueError, TypeError, UnicodeEncodeError):
        raise AnchorInvalid(f"{source}: not a compact JWS") from None
    kid = header.get("kid")
    if header.get("typ") != TYP:
        raise AnchorInvalid(f"{source}: a JWS of type {header.get('typ')!r}, not an audit anchor")
    if kid not in {k.kid for k in keys.keys}:
        raise AnchorInvalid(f"{source}: signed with key {str(kid)[:40]!r}, which is not among the keys it is checked against "
                            "(another hub's anchor, or this hub's keys were replaced)")
    try:
        verified = jws.deserialize_compact(token, keys, registry=_REGISTRY)
        claims: Any = json.loads(verified.payload)
    except (JoseError, ValueError, KeyError, TypeError):
        raise AnchorInvalid(f"{source}: the signature does not verify with key {kid} (the anchor was altered)") from None
    if not isinstance(claims, dict) or claims.get("protocol") != PROTOCOL:
        raise AnchorInvalid(f"{source}: does not speak {PROTOCOL}")
    seq, head, iat = claims.get("seq"), claims.get("head"), claims.get("iat")
    if not (isinstance(seq, int) and seq > 0 and isinstance(head, str) and _HEX64.match(head) and isinstance(iat, int)):
        raise AnchorInvalid(f"{source}: signed, but without a valid seq, head and iat")
    return Anchor(seq, head, datetime.fromtimestamp(iat, UTC), str(claims.get("iss")), str(kid), token, source)


def lines(path: Path) -> Iterable[tuple[int, str]]:
    """(line number, text) of the anchor lines of a file (blank lines and # comments left out)."""
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, 1):
            text = text.strip()
            if text and not text.startswith("#"):
                yield number, text


def _token_of(text: str) -> str | None:
    if not text.startswith("{"):
        return text  # a bare compact JWS is accepted too
    try:
        token = json.loads(text).get("anchor")
    except (ValueError, AttributeError):
        return None
    return token if isinstance(token, str) else None


def load(session: Session, *, files: Sequence[Path], jwks: dict[str, Any] | None = None) -> tuple[list[Anchor], list[str]]:
    """The anchors in `files`, each verified with this hub's signing keys (retired ones too), or with `jwks` when
    given (keys pinned elsewhere: a copy of /.well-known/jwks.json kept apart); and a problem for each bad line."""
    key_set = KeySet.import_key_set(cast(KeySetSerialization, jwks)) if jwks is not None else keys.verification_keys(session)
    anchors: list[Anchor] = []
    problems: list[str] = []
    for path in files:
        for number, text in lines(path):
            source = f"{path.name} line {number}"
            token = _token_of(text)
            if token is None:
                problems.append(f"{source}: not an anchor line")
                continue
            try:
                anchors.append(parse(token, keys=key_set, source=source))
            except AnchorInvalid as exc:
                problems.append(exc.detail)
    return anchors, problems


# --- the anchor file -------------------------------------------------------------------------------------------


def line_of(anchor: Anchor, **extra: str | None) -> str:
    body = {"seq": anchor.seq, "head": anchor.head, "signed_at": anchor.signed_at.isoformat(), "hub": anchor.iss,
            **{k: v for k, v in extra.items() if v is not None}, "anchor": anchor.token}
    return json.dumps(body, separators=(",", ":"))


def append(path: Path, anchor: Anchor, **extra: str | None) -> None:
    """Add one line to the anchor file, in one write (O_APPEND: lines of several workers do not interleave), synced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, (line_of(anchor, **extra) + "\n").encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def last_in_file(path: Path) -> tuple[int, str] | None:
    """(seq, head) as written on the file's last line, unverified: only to skip signing a head that has not moved."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 16384))
            tail = handle.read().decode("utf-8", "replace").strip().splitlines()
        body = json.loads(tail[-1]) if tail else None
        return (int(body["seq"]), str(body["head"])) if isinstance(body, dict) else None
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


# --- witnesses: peers' anchors ----------------------------------------------------------------------------------


def keep_witness(session: Session, *, peer_url: str, token: object, via: str) -> AuditWitness | None:
    """Keep a peer's anchor that came with a message from it, verified with its signing keys as cached (the message
    around it was verified with them just now). A bad or repeated anchor is not kept; the message goes on."""
    if not isinstance(token, str):
        return None
    peer = peers.peer_by_url(session, base_url=peer_url)
    if peer is None:
        return None
    cached = [k for k in (peer.jwks or {}).get("keys", []) if k.get("use") == "sig" and k.get("kty") == "RSA"]
    try:
        anchor = parse(token, keys=KeySet([RSAKey.import_key(k) for k in cached]), source=f"anchor from {peer.base_url}")
    except AnchorInvalid:
        log.warning("peer anchor not kept", extra={"peer": peer.base_url, "via": via})
        return None
    if anchor.iss != peer.base_url:
        log.warning("peer anchor names another hub; not kept", extra={"peer": peer.base_url, "via": via})
        return None
    known = select(AuditWitness.id).where(AuditWitness.hub == peer.base_url, AuditWitness.seq == anchor.seq, AuditWitness.head == anchor.head)
    if session.scalar(known) is not None:
        return None
    witness = AuditWitness(hub=peer.base_url, seq=anchor.seq, head=anchor.head, signed_at=anchor.signed_at, anchor=token, via=via)
    try:
        with session.begin_nested():
            session.add(witness)
    except IntegrityError:  # the same anchor kept by a concurrent message
        return None
    return witness


def witnesses(session: Session, *, hub: str | None = None) -> list[AuditWitness]:
    query = select(AuditWitness).order_by(AuditWitness.hub, AuditWitness.seq, AuditWitness.signed_at)
    if hub:
        query = query.where(AuditWitness.hub == peers.normalise_url(hub))
    return list(session.scalars(query))


def witness_anchor(witness: AuditWitness) -> Anchor:
    """A kept witness as an anchor (its signature is checked again by whoever loads it from a file)."""
    return Anchor(witness.seq, witness.head, witness.signed_at, witness.hub, "", witness.anchor, f"witness via {witness.via}")
