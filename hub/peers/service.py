"""Rules for peers: register a hub for one or more kommunenummer, fetch and cache its JWKS (refetched when stale or
when a package names a key id the cache lacks, so a rotation at the peer is honoured), pick its keys.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy.orm import Session

from hub.core.errors import HubError, InvalidInput, NotFound
from hub.core.safe_json import load_json
from hub.core.validation import check_kommunenummer
from hub.peers import repository
from hub.peers.models import Peer

log = logging.getLogger("hub.peers")

JWKS_PATH = "/.well-known/jwks.json"
MIN_REFETCH_SECONDS = 5.0  # an unknown kid triggers at most one refetch per peer in this window


class PeerKeysUnavailable(HubError):
    status = 503
    title = "Peer keys unavailable"
    slug = "peer-keys-unavailable"
    fhir_code = "transient"


def normalise_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InvalidInput(f"peer URL {url!r} must start with http:// or https://")
    return url


def add_peer(session: Session, *, municipalities: list[str], base_url: str, fetch: bool = True, timeout: float = 10.0) -> Peer:
    """Register (or extend) a peer; municipalities move to it from any other peer that listed them."""
    base_url = normalise_url(base_url)
    for kommune in municipalities:
        try:
            check_kommunenummer(kommune)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    peer = repository.by_url(session, base_url)
    if peer is None:
        peer = Peer(base_url=base_url, municipalities=[])
        repository.add(session, peer)
    for other in repository.all_peers(session):
        if other is not peer and set(other.municipalities or []) & set(municipalities):
            other.municipalities = [m for m in other.municipalities if m not in municipalities]
    peer.municipalities = sorted(set(peer.municipalities or []) | set(municipalities))
    if fetch:
        try:
            refresh_keys(session, peer=peer, timeout=timeout)
        except PeerKeysUnavailable:
            log.warning("peer keys not fetched at registration", extra={"peer": base_url})
    session.flush()
    return peer


def remove_peer(session: Session, *, base_url: str | None = None, municipality: str | None = None) -> Peer:
    peer = repository.by_url(session, normalise_url(base_url)) if base_url else None
    if peer is None and municipality:
        peer = repository.by_municipality(session, municipality)
    if peer is None:
        raise NotFound(f"no peer {base_url or ''}{municipality or ''} is registered")
    if municipality and base_url is None and len(peer.municipalities) > 1:
        peer.municipalities = [m for m in peer.municipalities if m != municipality]
        session.flush()
        return peer
    repository.delete(session, peer)
    return peer


def list_peers(session: Session) -> list[Peer]:
    return repository.all_peers(session)


def peer_for_municipality(session: Session, *, municipality: str) -> Peer:
    peer = repository.by_municipality(session, municipality)
    if peer is None:
        raise NotFound(f"no peer hub is registered for municipality {municipality}", location="destination_municipality")
    return peer


def peer_by_url(session: Session, *, base_url: str) -> Peer | None:
    return repository.by_url(session, base_url.rstrip("/"))


def fetch_jwks(base_url: str, *, timeout: float) -> dict:
    try:
        response = httpx.get(base_url + JWKS_PATH, timeout=timeout)
    except httpx.HTTPError as exc:
        raise PeerKeysUnavailable(f"the keys of peer {base_url} could not be fetched: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise PeerKeysUnavailable(f"the keys of peer {base_url} could not be fetched: HTTP {response.status_code}")
    body = load_json(response.content, max_bytes=1024 * 1024)
    if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
        raise PeerKeysUnavailable(f"peer {base_url} answered its JWKS URL with something that is not a JWK set")
    return body


def refresh_keys(session: Session, *, peer: Peer, timeout: float = 10.0) -> None:
    peer.jwks = fetch_jwks(peer.base_url, timeout=timeout)
    peer.jwks_fetched_at = datetime.now(UTC)
    session.flush()


def _stale(peer: Peer, ttl_seconds: float) -> bool:
    return peer.jwks is None or peer.jwks_fetched_at is None or datetime.now(UTC) - peer.jwks_fetched_at > timedelta(seconds=ttl_seconds)


def _keys(peer: Peer, use: str) -> list[dict]:
    return [k for k in (peer.jwks or {}).get("keys", []) if k.get("use") == use and k.get("kty") == "RSA"]


def _refresh_or_keep_cached(session: Session, *, peer: Peer, timeout: float) -> None:
    """Fetch the peer's keys again; if it cannot be reached, keep using the cached ones (none cached: raise)."""
    try:
        refresh_keys(session, peer=peer, timeout=timeout)
    except PeerKeysUnavailable:
        if peer.jwks is None:
            raise
        log.warning("using cached peer keys", extra={"peer": peer.base_url})


def verification_keys(session: Session, *, peer: Peer, kid: str | None, ttl_seconds: float, timeout: float = 10.0) -> KeySet:
    """The peer's signature keys; refetched when stale or when `kid` is not among them (a rotation)."""
    known = {k.get("kid") for k in _keys(peer, "sig")}
    recently = peer.jwks_fetched_at and (datetime.now(UTC) - peer.jwks_fetched_at).total_seconds() < MIN_REFETCH_SECONDS
    if _stale(peer, ttl_seconds) or (kid not in known and not recently):
        _refresh_or_keep_cached(session, peer=peer, timeout=timeout)
    elif kid not in known:
        # Keys were fetched moments ago and lack this kid: ask the sender to come back rather than refuse for good.
        raise PeerKeysUnavailable(f"peer {peer.base_url} signed with key {str(kid)[:40]!r}, not among its keys fetched just now; retry later")
    return KeySet([RSAKey.import_key(k) for k in _keys(peer, "sig")])


def encryption_key(session: Session, *, peer: Peer, ttl_seconds: float, timeout: float = 10.0) -> RSAKey:
    """The peer's newest encryption key (the last `enc` key its JWKS lists; keys are published oldest first)."""
    if _stale(peer, ttl_seconds):
        _refresh_or_keep_cached(session, peer=peer, timeout=timeout)
    keys = _keys(peer, "enc")
    if not keys:
        raise PeerKeysUnavailable(f"peer {peer.base_url} publishes no encryption key")
    return RSAKey.import_key(keys[-1])
