"""Sealing and opening protocol messages of real case sizes: a package of a few years of health records is megabytes
(joserfc's default caps a JWS payload at 128,000 bytes); a message over the hubs' cap is refused where it is made."""

from __future__ import annotations

import pytest
from joserfc.jwk import KeySet, RSAKey

from hub.transfer.seal import PROTOCOL, PackageTooLarge, open_sealed, peek, seal, verify

CAP = 8 * 1024 * 1024


@pytest.fixture(scope="module")
def keys() -> tuple[RSAKey, RSAKey]:
    signing = RSAKey.generate_key(2048, parameters={"kid": "sig-1", "use": "sig", "alg": "RS256"}, private=True)
    encryption = RSAKey.generate_key(2048, parameters={"kid": "enc-1", "use": "enc", "alg": "RSA-OAEP-256"}, private=True)
    return signing, encryption


def _claims(size: int) -> dict:
    entries = [{"id": f"e{n}", "text": "konsultasjon " + "x" * 200} for n in range(size // 230)]
    return {"protocol": PROTOCOL, "kind": "package", "iss": "http://a", "aud": "http://b", "entries": entries}


@pytest.mark.parametrize("size", [100_000, 1_200_000, 3_000_000])
def test_a_package_of_megabytes_opens_peeks_and_verifies(keys, size):
    signing, encryption = keys
    claims = _claims(size)
    body = seal(claims, signing_key=signing, recipient=encryption, max_bytes=CAP)
    assert len(body) > size
    signed = open_sealed(body, keys=KeySet([encryption]), max_bytes=CAP)
    header, unverified = peek(signed, max_bytes=CAP)
    assert header["kid"] == "sig-1" and len(unverified["entries"]) == len(claims["entries"])
    assert verify(signed, keys=KeySet([signing]), max_bytes=CAP, claims=unverified) == claims


def test_a_package_over_the_cap_is_refused_when_sealed_naming_the_setting(keys):
    signing, encryption = keys
    with pytest.raises(PackageTooLarge) as refused:
        seal(_claims(600_000), signing_key=signing, recipient=encryption, max_bytes=500_000)
    assert refused.value.status == 413 and "HUB_TRANSFER_MAX_PACKAGE_BYTES" in refused.value.detail
