"""The one JSON loader for untrusted input: strict UTF-8, no NaN/Infinity, no duplicate keys, capped size and depth.

Depth is checked by a scan before parsing, so a 100,000-deep array never reaches the recursive parser.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from hub.core.errors import PayloadRejected, PayloadTooLarge

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64


def _reject_constant(name: str) -> Any:
    raise PayloadRejected(f"JSON contains {name}, which is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PayloadRejected(f"JSON object has the key {key!r} twice")
        result[key] = value
    return result


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_depth(text: str) -> int:
    """Maximum bracket depth outside string literals (strings removed by one regex pass, then brackets counted)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)


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
    depth = nesting_depth(text)
    if depth > max_depth:
        raise PayloadRejected(f"JSON nesting depth {depth} exceeds the limit of {max_depth}")
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise PayloadRejected(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise PayloadRejected("JSON nesting too deep") from None
