"""Validators shared by API schemas: national ids by system, organisation numbers, kommunenummer.

They raise ValueError with a message that names the problem, which the API turns into a 422 problem+json.
"""

from __future__ import annotations

from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, ORGNR_SYSTEM
from hub.identity.numbers import is_d_number, kommunenummer_problem, national_id_problem, orgnr_problem


def check_identifier(system: str, value: str) -> tuple[str, str]:
    system, value = system.strip(), value.strip()
    if not system or not value:
        raise ValueError("an identifier needs both a system and a value")
    if system in (FNR_SYSTEM, DNR_SYSTEM):
        problem = national_id_problem(value)
        if problem:
            kind = "fødselsnummer" if system == FNR_SYSTEM else "D-nummer"
            raise ValueError(f"invalid {kind} {_mask(value)}: {problem}")
        if system == FNR_SYSTEM and is_d_number(value):
            raise ValueError(f"{_mask(value)} is a D-nummer (first digit 4-7); use system {DNR_SYSTEM}")
        if system == DNR_SYSTEM and not is_d_number(value):
            raise ValueError(f"{_mask(value)} is a fødselsnummer, not a D-nummer; use system {FNR_SYSTEM}")
    if system == ORGNR_SYSTEM:
        check_orgnr(value)
    return system, value


def check_orgnr(value: str) -> str:
    problem = orgnr_problem(value)
    if problem:
        raise ValueError(f"invalid organisasjonsnummer {value!r}: {problem}")
    return value


def check_kommunenummer(value: str) -> str:
    problem = kommunenummer_problem(value)
    if problem:
        raise ValueError(f"invalid kommunenummer {value!r}: {problem}")
    return value


def _mask(value: str) -> str:
    """Show only the first six characters of what looks like a national id (never the whole id in messages)."""
    if sum(c.isdigit() for c in value) >= 9:
        return repr(value[:6] + "*" * (len(value) - 6))
    return repr(value[:12])
