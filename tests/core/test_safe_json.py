"""The one JSON loader: depth counted outside string literals, duplicate keys named, NaN/Infinity and size refused."""

from __future__ import annotations

import json

import pytest

from hub.core.errors import PayloadRejected, PayloadTooLarge
from hub.core.safe_json import load_json, nesting_depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}], "c": {}}', 4),
        ('["[[[[", "{{{"]', 1),  # brackets inside strings do not count
        (r'["a \"[[[ b", [["\\"]]]', 3),  # an escaped quote does not end the string; an escaped backslash does
        ('[[], [[]], []]', 3),
        (r'["\n\"", []]', 2),  # a backslash before another character than a quote escapes nothing that counts
        (r'["\\\"[", [[]]]', 3),  # an escaped backslash, then an escaped quote: the string goes on
        ('{"æøå": ["{[ø"], "ü": [[]]}', 3),  # multi-byte characters never hide a bracket
        ("[" * 64 + "]" * 64, 64),
    ],
)
def test_nesting_depth_counts_brackets_outside_strings(text, depth):
    assert nesting_depth(text) == depth


def test_nesting_depth_stops_counting_past_the_limit():
    assert nesting_depth("[" * 5000 + "]" * 5000, stop_after=64) == 65


def test_over_deep_json_is_refused_before_parsing():
    with pytest.raises(PayloadRejected, match="nesting depth is over the limit of 64"):
        load_json(b"[" * 65 + b"]" * 65)
    assert load_json(b"[" * 64 + b"]" * 64) is not None


def test_unbalanced_brackets_are_reported_by_the_parser():
    with pytest.raises(PayloadRejected, match="malformed JSON"):
        load_json(b'[{"a": 1]')
    with pytest.raises(PayloadRejected, match="JSON nesting too deep"):
        load_json(b"[" * 100_000)


def test_duplicate_key_is_named():
    with pytest.raises(PayloadRejected, match="the key 'id' twice"):
        load_json(b'{"a": {"id": 1, "x": 2, "id": 3}}')


def test_nan_infinity_and_size_are_refused():
    for constant in (b"NaN", b"Infinity", b"-Infinity"):
        with pytest.raises(PayloadRejected, match="not valid JSON"):
            load_json(b'{"v": ' + constant + b"}")
    with pytest.raises(PayloadTooLarge):
        load_json(b'"' + b"x" * 100 + b'"', max_bytes=50)


def test_valid_json_loads_as_the_standard_parser_does():
    text = '{"a": [1, 2.5, "x\\"y", {"b": null, "c": true}], "\\u00e6": "ø"}'
    assert load_json(text.encode()) == json.loads(text)


def _depth_of(value) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth_of, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth_of, value), default=0)
    return 0


def test_nesting_depth_agrees_with_the_parsed_structure_on_random_documents():
    import random

    rng = random.Random(20261130)
    tricky = ['[', ']', '{', '}', '"', '\\', '\\"', '\\\\', 'æ', '\n', 'x']

    def make(level: int):
        kind = rng.random()
        if level > 6 or kind < 0.3:
            return "".join(rng.choice(tricky) for _ in range(rng.randint(0, 6)))
        if kind < 0.65:
            return [make(level + 1) for _ in range(rng.randint(0, 3))]
        return {"".join(rng.choice(tricky) for _ in range(3)) + str(i): make(level + 1) for i in range(rng.randint(0, 3))}

    for _ in range(500):
        document = make(0)
        text = json.dumps(document, ensure_ascii=rng.random() < 0.5)
        assert nesting_depth(text) == _depth_of(document), text
