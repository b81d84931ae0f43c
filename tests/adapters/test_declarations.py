"""Adapters declare what the hub must know (hub.canonical.declarations): every registered adapter has a declaration,
the registry answers from them, the contract suite checks them, and hub/ spells no adapter's name or namespace.
"""

from __future__ import annotations

import ast
import json
from importlib.metadata import entry_points
from pathlib import Path
from typing import ClassVar

import pytest

from adapters.base import Adapter
from adapters.registry import GROUP, available_formats, fhir_facade, get_adapter, namespace_registry
from adapters.testing import ContractSuite, ContractViolation, Sample
from hub.canonical import Category, ChildRecord, Identifier, ParsedBatch, Sector
from hub.canonical.declarations import (
    AdapterDeclaration,
    IdentifierNamespace,
    NamespaceKind,
    NamespaceRegistry,
    RetractionSupport,
)
from hub.canonical.national import FNR_SYSTEM, NATIONAL, NATIONAL_ID_SYSTEMS

HUB = Path(__file__).resolve().parents[2] / "hub"

REGISTRY_MODULES = {
    "canonical/national.py": "the hub's own (Norwegian national) namespaces: the one declared registry module of hub/",
}
"""Modules of hub/ allowed to spell namespaces, with the reason."""

DEMO_CONTENT = {
    "demo/kindergarten_report.py": "the demo's sample payload, written in the kindergarten format",
    "demo/load.py": "pushes that sample through the ingest pipeline under its format id",
    "cli/main.py": "`stafett demo` prints the demo's handover URL, naming the format it asks for",
}
"""Modules allowed to name a format id (never a namespace, never an adapter package): demo content, not knowledge."""

GENERIC_PREFIXES = ("urn:oid:", "urn:uk:", "urn:sif:", "urn:ssb:")


def _adapter_packages() -> set[str]:
    return {ep.value.split(":")[0].split(".")[1] for ep in entry_points(group=GROUP) if ep.value.startswith("adapters.")}


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    return [(node.lineno, node.value) for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def _hub_modules() -> list[Path]:
    return [p for p in sorted(HUB.rglob("*.py")) if "db/migrations" not in p.relative_to(HUB).as_posix()]


def test_every_registered_adapter_provides_a_declaration():
    assert available_formats()
    for format_id in available_formats():
        adapter = get_adapter(format_id)
        assert isinstance(adapter, Adapter)
        assert isinstance(adapter.declaration, AdapterDeclaration), format_id


def test_an_object_without_a_declaration_is_no_adapter():
    class Undeclared:
        format: ClassVar[str] = "undeclared-v1"
        media_types: ClassVar[tuple[str, ...]] = ("application/json",)
        sector: ClassVar[Sector] = Sector.other
        version: ClassVar[str] = "1"

        def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
            return ParsedBatch(format=self.format, mapping_version="1")

    assert not isinstance(Undeclared(), Adapter)
    with pytest.raises(ContractViolation, match=r"(?s)\(declaration\).*an AdapterDeclaration"):
        ContractSuite(Undeclared(), [Sample("x.json", b"{}")], opt_outs={}).check("declaration")


def test_the_registry_holds_the_hub_national_namespaces_and_every_adapter_s():
    registry = namespace_registry()
    declared = [ns for f in available_formats() for ns in get_adapter(f).declaration.namespaces]
    assert set(registry.namespaces) == {*NATIONAL.namespaces, *declared}
    assert registry.national_id_systems == NATIONAL_ID_SYSTEMS
    assert registry.is_open(FNR_SYSTEM)


def test_lookup_takes_an_exact_system_before_the_longest_prefix():
    broad = IdentifierNamespace("urn:x:", NamespaceKind.person, "broad", prefix=True)
    narrow = IdentifierNamespace("urn:x:welfare:", NamespaceKind.case, "narrow", category=Category.child_welfare,
                                 prefix=True)
    exact = IdentifierNamespace("urn:x:welfare:open", NamespaceKind.person, "exact", open=True)
    registry = NamespaceRegistry([AdapterDeclaration(namespaces=(broad, narrow, exact))])
    assert registry.lookup("urn:x:other") is broad
    assert registry.lookup("urn:x:welfare:42") is narrow and registry.category_of("urn:x:welfare:42") == Category.child_welfare
    assert registry.lookup("urn:x:welfare:open") is exact and registry.is_open("urn:x:welfare:open")
    assert registry.lookup("urn:y:1") is None and not registry.is_open("urn:y:1") and registry.category_of("urn:y:1") is None
    assert not exact.matches("urn:x:welfare:open2")


def test_only_the_child_welfare_formats_declare_retraction_where_they_do():
    retracting = {f for f in available_formats() if get_adapter(f).declaration.retraction != RetractionSupport()}
    assert retracting == {f for f in available_formats() if get_adapter(f).declaration.retraction.entries}
    assert "ssb-barnevern" in retracting


class _Toy:
    format: ClassVar[str] = "toy-v1"
    media_types: ClassVar[tuple[str, ...]] = ("application/json",)
    sector: ClassVar[Sector] = Sector.other
    version: ClassVar[str] = "1"
    declaration: ClassVar[AdapterDeclaration] = AdapterDeclaration(
        namespaces=(IdentifierNamespace("urn:toy:pupil", NamespaceKind.person, "toy pupil number"),))

    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
        batch = ParsedBatch(format=self.format, mapping_version="toy/1")
        batch.children = [ChildRecord(source_id=f"child/{system}", identifiers=[Identifier(system=system, value="1")])
                          for system in json.loads(payload)]
        return batch


def _declaration_check(adapter, systems: list[str]) -> str:
    return ContractSuite(adapter, [Sample("toy.json", json.dumps(systems).encode())]).check("declaration")


def test_the_contract_suite_passes_declared_and_national_systems():
    assert _declaration_check(_Toy(), ["urn:toy:pupil", FNR_SYSTEM]) == "passed"


def test_the_contract_suite_fails_an_identifier_system_the_adapter_does_not_declare():
    with pytest.raises(ContractViolation, match="'urn:toy:secret' is not declared"):
        _declaration_check(_Toy(), ["urn:toy:pupil", "urn:toy:secret"])


def test_foreign_systems_need_a_reason_and_then_pass():
    class PassesThrough(_Toy):
        declaration = AdapterDeclaration(foreign_systems="the source's own systems travel unchanged")

    class NoReason(_Toy):
        declaration = AdapterDeclaration(foreign_systems=" ")

    assert _declaration_check(PassesThrough(), ["urn:toy:secret"]) == "passed"
    with pytest.raises(ContractViolation, match="foreign_systems needs a reason"):
        _declaration_check(NoReason(), ["urn:toy:secret"])


def test_the_contract_suite_fails_a_redeclared_national_namespace_and_a_double():
    class Redeclares(_Toy):
        declaration = AdapterDeclaration(namespaces=(
            IdentifierNamespace(FNR_SYSTEM, NamespaceKind.national_id, "mine"),
            IdentifierNamespace("urn:toy:a", NamespaceKind.person, "a"),
            IdentifierNamespace("urn:toy:a", NamespaceKind.person, "a again"),
        ))

    with pytest.raises(ContractViolation) as caught:
        _declaration_check(Redeclares(), [])
    assert "is the hub's own" in str(caught.value) and "'urn:toy:a' is declared twice" in str(caught.value)


def test_the_fhir_facade_is_found_by_what_the_adapter_exposes():
    facade = fhir_facade()
    assert facade.format in available_formats()
    assert "Communication" in facade.entry_resource_types and "Observation" in facade.entry_resource_types
    assert facade.resource_id("3f1c2d4e-0000-4000-8000-000000000001") == facade.resource_id(
        "3f1c2d4e-0000-4000-8000-000000000001")


def _faults(source: str, rel: str) -> list[str]:
    tree = ast.parse(source, filename=rel)
    packages = _adapter_packages()
    faults = []
    for line, name in _imports(tree):
        if name.split(".")[0] == "adapters" and len(name.split(".")) > 1 and name.split(".")[1] in packages:
            faults.append(f"hub/{rel}:{line} imports adapter package {name!r}")
    if rel in REGISTRY_MODULES:
        return faults
    systems = [ns.system for ns in namespace_registry().namespaces]
    formats = available_formats()
    for line, text in _strings(tree):
        spelled = [p for p in (*GENERIC_PREFIXES, *systems) if p in text]
        spelled += [text for ns in systems if len(text) >= 10 and ns.startswith(text)]  # a start of a namespace
        spelled += [f"adapters.{p}" for p in packages if f"adapters.{p}" in text]
        if rel not in DEMO_CONTENT:
            spelled += [f for f in formats if f in text]
        if spelled:
            faults.append(f"hub/{rel}:{line} spells {', '.join(sorted(set(spelled)))} in {text[:60]!r}")
    return faults


def test_hub_spells_no_adapter_name_or_namespace_outside_the_declared_registry():
    """String constants (docstrings and help texts included) and imports of every module of hub/ but migrations."""
    faults = [fault for path in _hub_modules() for fault in _faults(path.read_text(), path.relative_to(HUB).as_posix())]
    assert faults == []


def test_the_scan_sees_what_it_forbids():
    """The scan catches a literal namespace, a format id and an adapter import (on a module that is not in hub/)."""
    source = ('"""Probe of fhir-r4."""\nfrom adapters.sif_au.constants import NS\n'
              'SYSTEMS = ("urn:ssb:barnevern:dufnummer", "urn:oid:1.2", "urn:stafett:kindergarten:")\n'
              'FORMAT = "uk-cin"\n')
    faults = _faults(source, "access/probe.py")
    assert len(faults) == 6, faults
    assert any("urn:stafett:kindergarten:" in f for f in faults)
    assert any("imports adapter package 'adapters.sif_au.constants.NS'" in f for f in faults)
    assert any("urn:ssb:barnevern:dufnummer" in f for f in faults) and any("urn:oid:" in f for f in faults)
    assert any("uk-cin" in f for f in faults)
