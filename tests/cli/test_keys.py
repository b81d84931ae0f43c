"""`stafett clients keygen` makes a client's key pair (private key file readable by its owner only, public JWK set for
`clients add`); `stafett token` reads that file with the `--client-id` the operator was given, and says what is wrong.
"""

from __future__ import annotations

import json
import stat

from hub.auth.clients import check_public_jwks
from tests.cli.helpers import invoke, one_line_error, stafett


def test_keygen_writes_a_private_key_file_and_a_public_jwk_set(tmp_path):
    key, jwks = tmp_path / "clinic-key.json", tmp_path / "clinic-jwks.json"
    result = invoke("clients", "keygen", "--out", str(key), "--jwks", str(jwks))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    private = json.loads(key.read_text())
    assert private["client_id"] is None and private["private_jwk"]["kty"] == "EC" and "d" in private["private_jwk"]
    public = json.loads(jwks.read_text())
    assert check_public_jwks(public) == public  # what `clients add --jwks` accepts: public keys only, with a kid
    assert public["keys"][0]["kid"] == private["private_jwk"]["kid"] and "d" not in public["keys"][0]


def test_keygen_prints_the_public_set_without_jwks_and_never_overwrites(tmp_path):
    key = tmp_path / "key.json"
    printed = invoke("clients", "keygen", "--out", str(key))
    assert printed.exit_code == 0
    assert "d" not in json.loads(printed.stdout)["keys"][0]
    before = key.read_text()
    again = invoke("clients", "keygen", "--out", str(key))
    one_line_error(again, f"{key} exists", "--force")
    assert key.read_text() == before
    assert invoke("clients", "keygen", "--out", str(key), "--force").exit_code == 0 and key.read_text() != before


def test_token_wants_a_client_id_for_a_key_file_that_names_none(tmp_path):
    key = tmp_path / "key.json"
    assert invoke("clients", "keygen", "--out", str(key)).exit_code == 0
    result = stafett("token", "--key", str(key), "--hub", "http://127.0.0.1:9")
    one_line_error(result, "names no client", "--client-id")


def test_token_refuses_a_file_that_is_not_a_key_file(tmp_path):
    not_a_key = tmp_path / "jwks.json"
    not_a_key.write_text(json.dumps({"keys": []}))
    one_line_error(stafett("token", "--key", str(not_a_key)), "is not a key file")
    one_line_error(stafett("token", "--key", str(tmp_path / "absent.json")), "cannot read key file")


def test_token_says_in_one_line_that_the_hub_does_not_answer(tmp_path):
    key = tmp_path / "key.json"
    assert invoke("clients", "keygen", "--out", str(key)).exit_code == 0
    one_line_error(stafett("token", "--key", str(key), "--client-id", "stafett-x", "--hub", "http://127.0.0.1:9"), "error:")
