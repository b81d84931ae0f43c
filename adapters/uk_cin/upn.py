"""The DfE Unique Pupil Number check letter: weights 2..13 over characters 2-13, sum mod 23, letter table.

A temporary UPN ends in a letter, which counts as its position in the same table (A=0 … Z=22).
"""

from __future__ import annotations

import re

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_SHAPE = re.compile(r"[A-Za-z]\d{11}[0-9A-Za-z]")


def upn_check_letter(upn: str) -> str | None:
    """The check letter `upn` should start with, or None when its shape or final letter cannot be scored."""
    if not _SHAPE.fullmatch(upn):
        return None
    total = 0
    for weight, char in enumerate(upn[1:13], start=2):
        if char.isdigit():
            value = int(char)
        elif char.upper() in CHECK_LETTERS:
            value = CHECK_LETTERS.index(char.upper())
        else:
            return None
        total += weight * value
    return CHECK_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """Why `upn` fails the DfE check, or None when its check letter is right."""
    expected = upn_check_letter(upn)
    if expected is None:
        return "not a 13-character UPN with a scorable final character (letters I, O and S are not used)"
    if upn[0].upper() != expected:
        return f"check letter is {upn[0]!r}, the DfE algorithm gives {expected!r}"
    return None
