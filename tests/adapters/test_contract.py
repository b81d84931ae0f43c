"""Every adapter registered in the stafett.adapters entry-point group keeps the contract (adapters.testing), one test
per adapter and check, on the real samples its `contract` declares; an opted-out check passes only while its opt-out
holds (named, with a reason, and still needed: an opt-out whose check would pass fails as stale).
"""

from __future__ import annotations

from functools import cache

import pytest

from adapters.registry import available_formats, get_adapter
from adapters.testing import CHECKS, ContractSuite, registered_suite
from tests.shared_data import require_shared

# The formats the project ships; any other registered entry point is tested too, and fails without a contract.
SHIPPED = {"fhir-r4", "sif-au", "kindergarten-v1", "ssb-barnevern", "ks-bekymringsmelding", "uk-cin"}


def _opt_outs(format_id: str) -> dict[str, str]:
    return dict(getattr(getattr(get_adapter(format_id), "contract", None), "opt_outs", None) or {})


def _cases() -> list:
    cases = []
    for format_id in available_formats():
        opted = _opt_outs(format_id)
        for check in CHECKS:
            suffix = "-opted-out" if check in opted else ""
            cases.append(pytest.param(format_id, check, id=f"{format_id}-{check}{suffix}"))
    return cases


@cache
def _suite(format_id: str) -> ContractSuite:
    shared = require_shared()
    return registered_suite(format_id, shared_data=shared, attacks=require_shared("attacks"))


def test_every_shipped_format_is_registered():
    assert SHIPPED <= set(available_formats())


@pytest.mark.parametrize(("format_id", "check"), _cases())
def test_registered_adapter_keeps_the_contract(format_id: str, check: str) -> None:
    result = _suite(format_id).check(check)
    reason = _opt_outs(format_id).get(check)
    assert result == (f"opted out: {reason}" if reason else "passed")


def test_opt_outs_of_the_shipped_adapters_are_the_named_ones():
    """The only opt-outs: three formats the hub receives and never writes. A new one is a decision, made here."""
    opted = {f: sorted(_opt_outs(f)) for f in SHIPPED if _opt_outs(f)}
    assert opted == {"ssb-barnevern": ["round_trip"], "ks-bekymringsmelding": ["round_trip"], "uk-cin": ["round_trip"]}
