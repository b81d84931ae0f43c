"""Opens a federation message (decrypt, find the sending peer by `iss`, verify with its JWKS, check the envelope
schema) and acts on it: store a package once per (origin, transfer id), apply a receipt, decide a revocation.
"""

from __future__ import annotations

import json
import logging
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.core.errors import AccessDenied, NotFound
from hub.core.settings import Settings
from hub.keys import service as keys
from hub.peers import service as peers
from hub.peers.models import Peer
from hub.transfer import messages, repository
from hub.transfer import service as transfers
from hub.transfer.models import Direction, Transfer, TransferStatus
from hub.transfer.seal import PackageRejected, open_sealed, peek, verify

log = logging.getLogger("hub.federation")


class UnknownHub(AccessDenied):
    slug = "unknown-hub"
    title = "Unknown hub"


@lru_cache(maxsize=2)
def _validator(schemas_dir: Path) -> Draft202012Validator:
    schema = json.loads((schemas_dir / "transfer-envelope.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def hub_principal(peer: Peer | str, transfer_id: str | None) -> Principal:
    return Principal(kind="hub", token_id=str(transfer_id or ""), hub_name=peer.base_url if isinstance(peer, Peer) else peer)


def open_message(session: Session, *, settings: Settings, body: bytes, kind: str) -> tuple[Peer, dict[str, Any], bytes]:
    limit = settings.transfer_max_package_bytes
    signed = open_sealed(body, keys=keys.decryption_keys(session, settings=settings), max_bytes=limit)
    header, unverified = peek(signed, max_bytes=limit)
    issuer = str(unverified.get("iss") or "")
    peer = peers.peer_by_url(session, base_url=issuer) if issuer else None
    if peer is None:
        audit.record(session, principal=hub_principal(issuer[:200] or "unknown", unverified.get("transfer_id")),
                     action=f"federation.{kind}", outcome="deny", reason="the sending hub is not a registered peer", purpose="transfer")
        raise UnknownHub(f"hub {issuer[:200]!r} is not a registered peer of this hub; refused")
    key_set = peers.verification_keys(
        session, peer=peer, kid=header.get("kid"), ttl_seconds=settings.peer_jwks_ttl_seconds, timeout=settings.transfer_http_timeout_seconds
    )
    claims = verify(signed, keys=key_set, max_bytes=limit, claims=unverified)
    errors = sorted(_validator(settings.schemas_dir).iter_errors(claims), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(top)"
        raise PackageRejected(f"the message breaks the transfer envelope schema at {where}: {errors[0].message[:200]}")
    if claims["kind"] != kind:
        raise PackageRejected(f"a {claims['kind']} was sent to the {kind} endpoint")
    return peer, claims, signed


def receive_package(session: Session, *, settings: Settings, body: bytes) -> dict[str, Any]:
    peer, claims, signed = open_message(session, settings=settings, body=body, kind="package")
    if settings.municipality and claims["destination_municipality"] != settings.municipality:
        raise PackageRejected(f"this hub serves municipality {settings.municipality}, not {claims['destination_municipality']}")
    transfer_id = uuid.UUID(claims["transfer_id"])
    existing = repository.by_protocol_id(session, direction=Direction.incoming, origin_hub=peer.base_url, transfer_id=transfer_id, for_update=True)
    if existing is None:
        transfer = Transfer(
            id=uuid.uuid4(), transfer_id=transfer_id, direction=Direction.incoming, origin_hub=peer.base_url, peer_url=peer.base_url,
            origin_municipality=claims["origin_municipality"], destination_municipality=claims["destination_municipality"],
            status=TransferStatus.pending, reason=claims.get("reason"), preview=claims["preview"], package=signed,
            content_sha256=claims["content_sha256"], package_size=len(body), deliveries=1,
        )
        try:
            with session.begin_nested():
                session.add(transfer)
        except IntegrityError:  # the same package arrived twice at the same moment: the other copy was stored
            existing = repository.by_protocol_id(session, direction=Direction.incoming, origin_hub=peer.base_url, transfer_id=transfer_id, for_update=True)
            if existing is None:  # the conflict was another one: not ours to swallow
                raise
        else:
            audit.record(session, principal=hub_principal(peer, claims["transfer_id"]), action="federation.package",
                         reason=f"stored pending transfer {transfer.id}", purpose="transfer")
            log.info("package stored", extra={"transfer": str(transfer.id), "bytes": len(body)})
            return {"status": "stored", "transfer_id": claims["transfer_id"], "id": str(transfer.id)}
    existing.deliveries += 1
    if existing.package is None and existing.status == TransferStatus.pending:
        existing.package = signed
    session.flush()
    return {"status": "already-stored", "transfer_id": claims["transfer_id"], "id": str(existing.id), "state": existing.status}


def receive_receipt(session: Session, *, settings: Settings, body: bytes) -> dict[str, Any]:
    peer, claims, _ = open_message(session, settings=settings, body=body, kind="receipt")
    transfer = repository.by_protocol_id(session, direction=Direction.outgoing, origin_hub=None, transfer_id=uuid.UUID(claims["transfer_id"]), for_update=True)
    if transfer is None or transfer.peer_url != peer.base_url:
        raise NotFound(f"no transfer {claims['transfer_id']} was sent to {peer.base_url}")
    transfers.apply_receipt(session, transfer=transfer, claims=claims)
    return {"status": "applied", "transfer_id": claims["transfer_id"], "state": transfer.status}


def receive_revocation(session: Session, *, settings: Settings, body: bytes) -> dict[str, Any]:
    """Decide a revocation under the row lock accept also takes; answer with a signed receipt of the outcome."""
    peer, claims, _ = open_message(session, settings=settings, body=body, kind="revocation")
    transfer_id = uuid.UUID(claims["transfer_id"])
    transfer = repository.by_protocol_id(session, direction=Direction.incoming, origin_hub=peer.base_url, transfer_id=transfer_id, for_update=True)
    if transfer is None:
        # The revocation overtook its package: keep a tombstone so the package, if it still comes, stays revoked.
        transfer = Transfer(
            id=uuid.uuid4(), transfer_id=transfer_id, direction=Direction.incoming, origin_hub=peer.base_url, peer_url=peer.base_url,
            origin_municipality="0000", destination_municipality=settings.municipality or "0000", status=TransferStatus.revoked,
            preview={}, deliveries=0,
        )
        session.add(transfer)
    if transfer.status == TransferStatus.pending:
        transfer.status, transfer.package = TransferStatus.revoked, None
    if transfer.status == TransferStatus.revoked:
        from datetime import UTC, datetime

        transfer.decided_at = transfer.decided_at or datetime.now(UTC)
        transfer.decision_reason = claims.get("reason")
    session.flush()
    audit.record(session, principal=hub_principal(peer, claims["transfer_id"]), action="federation.revocation",
                 reason=f"outcome {transfer.status}", purpose="transfer")
    return {"status": transfer.status, "receipt": messages.signed_receipt(session, settings=settings, transfer=transfer)}
