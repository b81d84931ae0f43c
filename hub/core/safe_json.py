"""The one JSON loader for untrusted input: strict UTF-8, no NaN/Infinity, no duplicate keys, capped size and depth.

Depth is checked by a scan before parsing, so a 100,000-deep array never reaches the recursive parser.
"""

from __future__ import annotations

import json
from typing import Any

from hub.core.errors import PayloadRejected, PayloadTooLarge

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64


def _reject_constant(name: str) -> Any:
    raise PayloadRejected(f"JSON contains {name}, which is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # the common case costs one C-level dict build; only a fault walks the keys
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise PayloadRejected(f"JSON object has the key {key!r} twice")
            seen.add(key)
    return result


_DROP = bytes(b for b in range(256) if b not in b'"[]{}')
_BRACES_AS_BRACKETS = bytes.maketrans(b"{}", b"[]")  # for depth, only how brackets nest matters, not their kind


def nesting_depth(text: bytes | str, *, stop_after: int | None = None) -> int:
    """Maximum bracket depth outside string literals; gives up after `stop_after` levels. Every step runs in C: escaped
    backslashes, then escaped quotes are dropped, then every byte but quotes and brackets (UTF-8 never repeats them
    inside a multi-byte character); what lies between quotes is then string content and is dropped too; last, the
    innermost bracket pairs are peeled off once per level."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = b"".join(raw.translate(_BRACES_AS_BRACKETS, _DROP).split(b'"')[::2])
    depth = 0
    while brackets and (stop_after is None or depth <= stop_after):
        peeled = brackets.replace(b"[]", b"")
        if len(peeled) == len(brackets):  # unbalanced: the parser names the fault
            break
        brackets, depth = peeled, depth + 1
    return depth


def load_json(
    payload: bytes | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Any:
    """Parse untrusted JSON or raise PayloadRejected / PayloadTooLarge naming the fault."""
    raw = payload.encode("utf-8") if isinstance(payload, str) else payload
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"JSON payload is {len(raw)} bytes; the limit is {max_bytes}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise PayloadRejected(f"JSON payload is not valid UTF-8 (byte {exc.start})") from None
    if nesting_depth(raw, stop_after=max_depth) > max_depth:
        raise PayloadRejected(f"JSON nesting depth is over the limit of {max_depth} levels")
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise PayloadRejected(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise PayloadRejected("JSON nesting too deep") from None
