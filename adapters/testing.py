"""The adapter contract as a suite anyone runs on an adapter (DESIGN.md §4): metadata, a declaration that covers the
identifier systems it emits, real samples, nothing dropped silently, hostile input refused, render → re-parse to the
same canonical content, opt-outs named with their reason.
"""

from __future__ import annotations

import inspect
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.base import SHARED, Adapter, Census, ContractDeclaration, Renderer
from hub.canonical import Category, ParsedBatch, Provenance, Sector
from hub.canonical.declarations import AdapterDeclaration, IdentifierNamespace, NamespaceKind, NamespaceRegistry
from hub.canonical.national import NATIONAL
from hub.core.errors import PayloadRejected

CHECKS = ("metadata", "declaration", "samples", "not_mapped", "census", "hostile_input", "round_trip")
"""Every check of the contract, in the order they run."""

OPTIONAL = ("census", "round_trip")
"""The checks an adapter may opt out of, naming why (a format the hub never writes; a payload nobody can count)."""

PARTS = ("organizations", "children", "guardians", "case_facts", "entries", "goals", "measures", "consents")
FORMAT_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
MEDIA_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+(?:;.*)?$")


class ContractViolation(AssertionError):
    """An adapter does not keep the contract; the message names the adapter, the check and what broke."""


@dataclass(frozen=True)
class Sample:
    """One payload the suite sends to parse(): `refused` (the reason) when the adapter must refuse it."""

    name: str
    payload: bytes
    media_type: str | None = None
    refused: str | None = None


class MissingSamples(LookupError):
    """A declared sample root or pattern finds nothing (shared data absent, or a pattern that matches no file)."""


def shared_data_dir() -> Path | None:
    """The folder of real external data: HUB_SHARED_DATA, else ../shared/data beside the project (None when absent)."""
    from hub.core.settings import PROJECT_ROOT

    configured = os.environ.get("HUB_SHARED_DATA")
    candidate = Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def load_samples(declaration: ContractDeclaration, *, shared_data: Path | None = None) -> list[Sample]:
    """The declared samples as Sample objects; MissingSamples when a root is absent or a pattern finds no file."""
    if not declaration.samples:
        raise MissingSamples("the contract declares no samples: an adapter is tested on real payloads")
    shared = shared_data or shared_data_dir()
    samples: list[Sample] = []
    for files in declaration.samples:
        if files.root == SHARED:
            if shared is None:
                raise MissingSamples(f"shared data not found for {files.pattern!r} (set HUB_SHARED_DATA)")
            root = shared
        else:
            root = Path(files.root)
        found = sorted(p for p in root.glob(files.pattern) if p.is_file())
        if not found:
            raise MissingSamples(f"no file matches {files.pattern!r} under {root}")
        for path in found:
            name = str(path.relative_to(root)) if files.root == SHARED else path.name
            samples.append(Sample(name, path.read_bytes(), files.media_type, files.refused))
    return samples


# --- hostile input -------------------------------------------------------------------------------------------------

_XML_ATTACKS = {
    "xml-billion-laughs": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;'
                          b'&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;'
                          b'&c;&c;&c;&c;">]><r>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</r>',
    "xml-external-entity-file": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                b"<r>&e;</r>",
    "xml-external-entity-http": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>'
                                b"<r>&e;</r>",
    "xml-parameter-entity": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>'
                            b"<r/>",
    "xml-external-dtd": b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/r.dtd"><r/>',
    "xml-deep-nesting": b"<a>" * 100_000 + b"</a>" * 100_000,
    "xml-not-well-formed": b"<r><unclosed></r>",
}
_JSON_ATTACKS = {
    "json-nan": b'{"resourceType": "Patient", "value": NaN}',
    "json-infinity": b'{"resourceType": "Patient", "value": Infinity}',
    "json-negative-infinity": b'[-Infinity]',
    "json-deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "json-deep-objects": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "json-duplicate-key": b'{"resourceType": "Patient", "resourceType": "Bundle"}',
    "json-invalid-utf8": b'{"name": "\xff\xfe"}',
    "json-truncated": b'{"resourceType": "Pat',
}
_ANY_ATTACKS = {
    "empty": b"",
    "whitespace": b"  \n\t ",
    "binary-garbage": bytes(range(256)) * 4,
}


def _syntaxes(adapter: Adapter) -> dict[str, str]:
    """The media type the adapter declares for each syntax it reads: {"xml": …, "json": …}."""
    found: dict[str, str] = {}
    for media_type in adapter.media_types:
        for syntax in ("xml", "json"):
            if syntax in media_type.split(";")[0]:
                found.setdefault(syntax, media_type)
    return found


def hostile_samples(adapter: Adapter, *, attacks: Path | None = None, samples: Sequence[Sample] = ()) -> list[Sample]:
    """Payloads every adapter refuses with PayloadRejected: built-in attacks for the syntaxes its media types name,
    the attack corpora under `attacks` (xml-defusedxml, json-JSONTestSuite n_*.json) and each parsing sample
    spoiled (see _spoiled), so that a reader which is lenient only inside a valid document is caught too."""
    syntaxes = _syntaxes(adapter)
    found = [Sample(name, payload, refused="hostile") for name, payload in _ANY_ATTACKS.items()]
    corpora = {"xml": ("xml-defusedxml", "*.xml"), "json": ("json-JSONTestSuite/test_parsing", "n_*.json")}
    for syntax, media_type in syntaxes.items():
        built_in = _XML_ATTACKS if syntax == "xml" else _JSON_ATTACKS
        found += [Sample(name, payload, media_type, "hostile") for name, payload in built_in.items()]
        if attacks is not None:
            folder, pattern = corpora[syntax]
            files = sorted((attacks / folder).glob(pattern))
            if not files:
                raise MissingSamples(f"no attack files {pattern} under {attacks / folder}")
            found += [Sample(f"{folder}/{p.name}", p.read_bytes(), media_type, "hostile") for p in files]
    for sample in samples:
        if sample.refused is None:
            found += _spoiled(sample)
    return found


def _spoiled(sample: Sample) -> list[Sample]:
    """A real sample made hostile where a lenient reader would still accept it: cut in half; a JSON object with NaN,
    Infinity, its first key twice or a 100,000-deep array added; an XML document behind a DOCTYPE with an entity."""
    payload, found = sample.payload, []
    if len(payload) > 2:
        found.append(Sample(f"{sample.name}, first half", payload[: len(payload) // 2], sample.media_type, "truncated"))
    body = payload.lstrip().removeprefix(b"\xef\xbb\xbf")
    if body.startswith(b"{") and len(body) > 2:
        first_key = re.match(rb'\{\s*("(?:[^"\\]|\\.)*")\s*:', body)
        additions = {"NaN": b'"contract-nan": NaN', "Infinity": b'"contract-infinity": Infinity',
                     "deep nesting": b'"contract-deep": ' + b"[" * 100_000 + b"]" * 100_000}
        if first_key:
            additions["its first key twice"] = first_key.group(1) + b": null"
        found += [Sample(f"{sample.name} + {name}", b"{" + added + b", " + body[1:], sample.media_type, "hostile")
                  for name, added in additions.items()]
    elif body.startswith(b"<"):
        declaration = re.match(rb"<\?xml[^>]*\?>", body)
        rest = body[declaration.end():] if declaration else body
        root = re.search(rb"<([A-Za-z_][\w.:-]*)", rest)
        if root:
            doctype = b'<!DOCTYPE ' + root.group(1) + b' [<!ENTITY contract "entity">]>'
            found.append(Sample(f"{sample.name} + DOCTYPE with an entity",
                                (declaration.group(0) if declaration else b"") + doctype + rest,
                                sample.media_type, "hostile"))
    return found


# --- case views and canonical content ------------------------------------------------------------------------------

_CHILD_PARTS = ("guardians", "case_facts", "entries", "goals", "measures", "consents")
EXPORTED_AT = datetime(2024, 1, 1, tzinfo=UTC)


def _referenced_orgs(records: Iterable[Any]) -> set[str]:
    refs: set[str] = set()
    for record in records:
        for name in ("author_org_ref", "responsible_org_ref"):
            if getattr(record, name, None):
                refs.add(getattr(record, name))
        refs.update(getattr(record, "org_refs", ()))
        refs.update(p.org_ref for p in getattr(record, "participants", ()))
        refs.update(e.author_org_ref for e in getattr(record, "evaluations", ()) if e.author_org_ref)
    return refs


def case_views(batch: ParsedBatch) -> list[ParsedBatch]:
    """One view per child, shaped as hub.export.case_view hands it to render(): the child, the records that belong to
    it, the organisations those records name; entries carry the provenance and version the hub fills on export."""
    views = []
    for child in batch.children:
        mine = {part: [r for r in getattr(batch, part) if r.child_ref == child.source_id] for part in _CHILD_PARTS}
        orgs = _referenced_orgs(record for records in mine.values() for record in records)
        mine["entries"] = [
            entry.model_copy(update={"version": 1, "provenance": Provenance(
                source_system=batch.source_system or "contract-suite", format=batch.format,
                source_record_id=entry.source_id, raw_checksum="0" * 64, mapping_version=batch.mapping_version,
                recorded_at=EXPORTED_AT)})
            for entry in mine["entries"]
        ]
        views.append(batch.model_copy(update={
            "children": [child], "organizations": [o for o in batch.organizations if o.source_id in orgs],
            "not_mapped": [], "warnings": [], **mine}))
    return views


def hub_fields_cleared(view: ParsedBatch) -> ParsedBatch:
    """The view as parse() must give it back: entries without provenance and version. The hub fills those on export
    (hub.export.case_view) and parse leaves them empty (hub.canonical.records.Provenance): a render may carry them
    (FHIR writes Provenance resources), the re-parse must not invent them."""
    entries = [e.model_copy(update={"provenance": None, "version": None}) for e in view.entries]
    return view.model_copy(update={"entries": entries})


# Which part each ref field points into; related_refs may name an entry, a measure or a goal.
_REFS: dict[str, tuple[str, ...]] = {
    "child_ref": ("children",),
    "org_ref": ("organizations",),
    "author_org_ref": ("organizations",),
    "responsible_org_ref": ("organizations",),
    "org_refs": ("organizations",),
    "guardian_ref": ("guardians",),
    "goal_refs": ("goals",),
    "related_refs": ("entries", "measures", "goals"),
    "document_ref": ("entries",),
}
_IDS = {"source_id"}
# Refs the hub resolves inside the payload only (hub.ingest.upsert: child_for, org_for); related_refs, goal_refs and
# guardian_ref may also name records an earlier payload of the same source sent.
_WITHIN_BATCH = ("child_ref", "author_org_ref", "responsible_org_ref", "org_refs")


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _own(value: Any) -> Any:
    """A record's own content: without its source id and without refs (those are replaced by their referents)."""
    if isinstance(value, dict):
        return {k: _own(v) for k, v in value.items() if k not in _IDS and k not in _REFS}
    if isinstance(value, list):
        return [_own(v) for v in value]
    return value


class _Referents:
    """Source id -> the own content of the record it names, per part."""

    def __init__(self, dumped: dict[str, list[dict[str, Any]]]):
        self.by_part = {part: {r["source_id"]: _own(r) for r in dumped[part]} for part in PARTS}

    def in_payload(self, value: Any) -> Any:
        """Strings of a payload that are a record's source id (FHIR keeps references in payload["fhir"] rewritten
        to source ids) are refs too: replaced by {part: referent}."""
        if isinstance(value, dict):
            return {k: self.in_payload(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.in_payload(v) for v in value]
        if isinstance(value, str):
            for part in PARTS:
                if value in self.by_part[part]:
                    return {part: self.by_part[part][value]}
        return value

    def resolve(self, field_name: str, ref: str) -> Any:
        for part in _REFS[field_name]:
            if ref in self.by_part[part]:
                return {part: self.by_part[part][ref]}
        if field_name == "document_ref":
            return ref  # a document named by URL or title, not a record of the batch
        return f"unresolved:{ref}"


def _replace_refs(value: Any, referents: _Referents) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in _IDS:
                continue
            if key in _REFS and item is not None:
                item = ([referents.resolve(key, r) for r in item] if isinstance(item, list)
                        else referents.resolve(key, item))
                out[key] = sorted(item, key=_dumps) if isinstance(item, list) else item
            elif key == "payload":
                out[key] = referents.in_payload(item)
            else:
                out[key] = _replace_refs(item, referents)
        return out
    if isinstance(value, list):
        return [_replace_refs(v, referents) for v in value]
    return value


def canonical_content(batch: ParsedBatch) -> dict[str, list[Any]]:
    """What the batch says, independent of how it is keyed ("the same canonical content" of the round trip):

    - source ids: not compared; each part (children, entries, …) is compared as a multiset of records;
    - refs (child_ref, org_ref, guardian_ref, goal_refs, related_refs, document_ref, …, and strings of a payload
      that are a record's source id): replaced by the content of the record they name ("refs by referent"), so an
      entry must still belong to the same child, be written by the same organisation and link the same records,
      whatever ids the render gave them; a ref that names nothing in the batch stays as "unresolved:<ref>";
    - everything else (names, identifiers, dates, codes, payload, evaluations, case facts, consents, provenance)
      is compared as is, inner lists in their order. See hub_fields_cleared for provenance and version.
    """
    dumped = batch.model_dump(mode="json")
    referents = _Referents(dumped)
    return {part: sorted((_replace_refs(r, referents) for r in dumped[part]), key=_dumps) for part in PARTS}


def content_difference(expected: ParsedBatch, actual: ParsedBatch) -> list[str]:
    """Per part, the records only one side has (empty when the canonical content is the same)."""
    left, right = canonical_content(expected), canonical_content(actual)
    lines = []
    for part in PARTS:
        a, b = [_dumps(r) for r in left[part]], [_dumps(r) for r in right[part]]
        for record in a:
            if record in b:
                b.remove(record)
            else:
                lines.append(f"{part}: lost or changed: {record}")
        lines += [f"{part}: appeared: {record}" for record in b]
    return lines


# --- the suite -----------------------------------------------------------------------------------------------------


def round_trip_difference(adapter: Any, batch: ParsedBatch) -> list[str]:
    """render → parse of each child's case view (case_views); what differs from the view (hub fields cleared), per
    view, or what render/parse raised. Empty when every view comes back with the same canonical content."""
    problems = []
    for view in case_views(batch):
        label = f"child {view.children[0].source_id}"
        try:
            again = adapter.parse(adapter.render(view))
        except Exception as exc:  # noqa: BLE001 - a view render cannot carry breaks the round trip
            problems.append(f"{label}: render → parse raised {type(exc).__name__}: {exc!s:.300}")
            continue
        difference = content_difference(hub_fields_cleared(view), again)
        if difference:
            problems.append(f"{label}: the re-parsed render differs:\n    " + "\n    ".join(difference[:8]))
    return problems


def _records(batch: ParsedBatch) -> Iterable[tuple[str, Any]]:
    for part in PARTS:
        for record in getattr(batch, part):
            yield part, record


def _names(path: str, key: str) -> bool:
    """Whether a not_mapped path is `key` or lies inside it ("Observation/1.code" yes, "Observation/14" no)."""
    return path == key or (path.startswith(key) and not (path[len(key)].isalnum() or path[len(key)] in "-_"))


class ContractSuite:
    """The contract checks for one adapter and its samples; check(name) raises ContractViolation naming the fault."""

    def __init__(
        self,
        adapter: Any,
        samples: Sequence[Sample],
        *,
        census: Census | None = None,
        opt_outs: Mapping[str, str] | None = None,
        hostile: Sequence[Sample] | None = None,
    ):
        self.adapter = adapter
        self.name = getattr(adapter, "format", None) or type(adapter).__name__
        self.samples = list(samples)
        self.census = census
        self.opt_outs = dict(opt_outs or {})
        self._hostile = hostile
        self._parsed: dict[str, ParsedBatch] | None = None

    # opt-outs ------------------------------------------------------------------------------------------------------

    def opted_out(self, check: str) -> str | None:
        """The reason the adapter gives for not passing `check`, or None."""
        return self.opt_outs.get(check)

    def _fail(self, check: str, problems: Iterable[str]) -> None:
        problems = list(problems)
        if problems:
            shown = "\n  ".join(problems[:25]) + (f"\n  … and {len(problems) - 25} more" if len(problems) > 25 else "")
            raise ContractViolation(f"adapter {self.name!r} breaks the contract ({check}):\n  {shown}")

    def _check_opt_outs(self) -> list[str]:
        problems = []
        for check, reason in self.opt_outs.items():
            if check not in OPTIONAL:
                problems.append(f"opt-out {check!r}: only {', '.join(OPTIONAL)} may be opted out of")
            if not isinstance(reason, str) or len(reason.strip()) < 10:
                problems.append(f"opt-out {check!r} needs a reason that says why (got {reason!r})")
        if "census" in self.opt_outs and self.census is not None:
            problems.append("opt-out 'census' while a census is given: drop one")
        return problems

    # running -------------------------------------------------------------------------------------------------------

    def check(self, check: str) -> str:
        """Run one check; returns "passed" or "opted out: <reason>", raises ContractViolation otherwise."""
        if check not in CHECKS:
            raise ValueError(f"unknown check {check!r}; checks are {', '.join(CHECKS)}")
        self._fail("opt-outs", self._check_opt_outs())
        getattr(self, f"_check_{check}")()
        reason = self.opted_out(check)
        return f"opted out: {reason}" if reason else "passed"

    def run(self) -> dict[str, str]:
        """Every check; one ContractViolation naming all that broke, else {check: "passed" | "opted out: …"}."""
        results, failures = {}, []
        for check in CHECKS:
            try:
                results[check] = self.check(check)
            except ContractViolation as exc:
                failures.append(str(exc))
        if failures:
            raise ContractViolation("\n".join(failures))
        return results

    @property
    def parsed(self) -> dict[str, ParsedBatch]:
        """The batch of every sample that is declared to parse (parse errors raise ContractViolation)."""
        if self._parsed is None:
            parsed, problems = {}, []
            for sample in self.samples:
                if sample.refused is not None:
                    continue
                try:
                    parsed[sample.name] = self.adapter.parse(sample.payload, media_type=sample.media_type)
                except Exception as exc:  # noqa: BLE001 - any failure on a real sample breaks the contract
                    problems.append(f"{sample.name}: parse raised {type(exc).__name__}: {exc}")
            self._fail("samples", problems)
            self._parsed = parsed
        return self._parsed

    # the checks ----------------------------------------------------------------------------------------------------

    def _check_metadata(self) -> None:
        a, problems = self.adapter, []
        fmt = getattr(a, "format", None)
        if not isinstance(fmt, str) or not FORMAT_ID.match(fmt):
            problems.append(f"format {fmt!r}: a stable lower-case id such as 'fhir-r4' or 'kindergarten-v1'")
        media_types = getattr(a, "media_types", None)
        if not isinstance(media_types, tuple) or not media_types:
            problems.append(f"media_types {media_types!r}: a non-empty tuple")
        else:
            problems += [f"media type {m!r} is not type/subtype" for m in media_types
                         if not isinstance(m, str) or not MEDIA_TYPE.match(m)]
        if not isinstance(getattr(a, "sector", None), Sector):
            problems.append(f"sector {getattr(a, 'sector', None)!r}: a hub.canonical.Sector")
        version = getattr(a, "version", None)
        if not isinstance(version, str) or not version.strip():
            problems.append(f"version {version!r}: a non-empty string")
        if not isinstance(a, Adapter):
            problems.append("not an adapters.base.Adapter (format, media_types, sector, version, parse)")
        else:
            params = inspect.signature(a.parse).parameters
            if "media_type" not in params or params["media_type"].kind is not inspect.Parameter.KEYWORD_ONLY:
                problems.append("parse() takes media_type as a keyword-only argument")
        if hasattr(a, "render") and not isinstance(a, Renderer):
            problems.append("render is not callable")
        self._fail("metadata", problems)

    def _check_declaration(self) -> None:
        """A typed declaration (hub.canonical.declarations) whose namespaces are well formed, not the hub's own, and
        cover every identifier system the samples carry (unless it names why foreign systems occur)."""
        declaration = getattr(self.adapter, "declaration", None)
        if not isinstance(declaration, AdapterDeclaration):
            self._fail("declaration", [f"declaration {declaration!r}: an AdapterDeclaration (hub.canonical.declarations)"
                                       " naming the format's identifier namespaces, open extra keys and retraction"])
            return
        problems, seen = [], set()
        national = {ns.system for ns in NATIONAL.namespaces}
        for ns in declaration.namespaces:
            if not isinstance(ns, IdentifierNamespace):
                problems.append(f"namespace {ns!r}: an IdentifierNamespace")
                continue
            if not ns.system.strip() or not ns.label.strip():
                problems.append(f"namespace {ns!r}: a system and a label")
            if not isinstance(ns.kind, NamespaceKind) or not (ns.category is None or isinstance(ns.category, Category)):
                problems.append(f"namespace {ns.system!r}: kind is a NamespaceKind, category a Category or None")
            if ns.system in seen:
                problems.append(f"namespace {ns.system!r} is declared twice")
            if ns.system in national:
                problems.append(f"namespace {ns.system!r} is the hub's own (hub.canonical.national): do not redeclare it")
            seen.add(ns.system)
        keys = declaration.open_extra_keys
        if not all(isinstance(k, str) and k for k in (*keys.child, *keys.guardian)):
            problems.append("open extra keys are non-empty strings")
        self._fail("declaration", problems)
        if declaration.foreign_systems is not None:
            if len(declaration.foreign_systems.strip()) < 10:
                self._fail("declaration", ["foreign_systems needs a reason that says why (or None)"])
            return
        known = NamespaceRegistry((NATIONAL, declaration))
        for name, batch in self.parsed.items():
            undeclared = sorted({i.system for _, record in _records(batch) for i in getattr(record, "identifiers", ())
                                 if known.lookup(i.system) is None})
            problems += [f"{name}: identifier system {system!r} is not declared (declaration.namespaces)"
                         for system in undeclared]
        self._fail("declaration", problems)

    def _check_samples(self) -> None:
        problems = []
        if not any(s.refused is None for s in self.samples):
            problems.append("no sample that parses: the contract is tested on real payloads")
        for sample in self.samples:
            if sample.refused is not None:
                problems += self._refused(sample, why="declared refused")
        self._fail("samples", problems)
        for name, batch in self.parsed.items():
            problems += self._batch_problems(name, batch)
        self._fail("samples", problems)

    def _batch_problems(self, name: str, batch: Any) -> list[str]:
        if not isinstance(batch, ParsedBatch):
            return [f"{name}: parse returned {type(batch).__name__}, not a ParsedBatch"]
        problems = []
        if batch.format != self.adapter.format:
            problems.append(f"{name}: batch.format {batch.format!r} is not the adapter's {self.adapter.format!r}")
        if not batch.mapping_version.strip():
            problems.append(f"{name}: batch.mapping_version is empty (every fact's provenance names it)")
        if not any(True for _ in _records(batch)) and not batch.not_mapped:
            problems.append(f"{name}: parsed to nothing at all, and reports nothing as not mapped")
        ids: dict[str, set[str]] = {part: set() for part in PARTS}
        for part, record in _records(batch):
            if not record.source_id or not record.source_id.strip():
                problems.append(f"{name}: a record in {part} has no source_id")
            elif record.source_id in ids[part]:
                problems.append(f"{name}: two records in {part} have the source_id {record.source_id!r}")
            ids[part].add(record.source_id)
        for entry in batch.entries:
            if entry.provenance is not None or entry.version is not None:
                problems.append(f"{name}: entry {entry.source_id!r} has provenance/version: the hub fills them, "
                                "parse leaves them empty")
        for part, record in _records(batch):
            for field_name in _WITHIN_BATCH:
                targets = _REFS[field_name]
                refs = getattr(record, field_name, None)
                for ref in (refs if isinstance(refs, list) else [refs] if refs else []):
                    if not any(ref in ids[t] for t in targets):
                        problems.append(f"{name}: {part} {record.source_id!r}.{field_name} names {ref!r}, "
                                        "which is no record of the batch")
            for participant in getattr(record, "participants", ()):
                if participant.org_ref not in ids["organizations"]:
                    problems.append(f"{name}: {part} {record.source_id!r} participant {participant.org_ref!r} is no "
                                    "organisation of the batch")
            for evaluation in getattr(record, "evaluations", ()):
                if evaluation.author_org_ref and evaluation.author_org_ref not in ids["organizations"]:
                    problems.append(f"{name}: an evaluation of {record.source_id!r} names the author "
                                    f"{evaluation.author_org_ref!r}, which is no organisation of the batch")
        return problems

    def _refused(self, sample: Sample, *, why: str) -> list[str]:
        try:
            self.adapter.parse(sample.payload, media_type=sample.media_type)
        except PayloadRejected as exc:
            return [] if str(exc.detail).strip() else [f"{sample.name}: refused without saying why"]
        except Exception as exc:  # noqa: BLE001 - anything else is a crash (a 500), which the contract forbids
            return [f"{sample.name} ({why}): parse crashed with {type(exc).__name__}: {exc!s:.200}"
                    " instead of PayloadRejected"]
        return [f"{sample.name} ({why}): parse accepted it; expected PayloadRejected"]

    def _check_not_mapped(self) -> None:
        problems = []
        for name, batch in self.parsed.items():
            for item in batch.not_mapped:
                if not item.path.strip() or not item.reason.strip():
                    problems.append(f"{name}: not_mapped entry without path or reason: {item!r}")
            for warning in batch.warnings:
                if not warning.code.strip() or not warning.message.strip():
                    problems.append(f"{name}: warning without code or message: {warning!r}")
        self._fail("not_mapped", problems)

    def _check_census(self) -> None:
        if self.census is None:
            if not self.opted_out("census"):
                self._fail("census", ["no census given: give one (the records a payload holds) or opt out of "
                                      "'census' with the reason"])
            return
        problems = []
        for sample in self.samples:
            if sample.refused is not None:
                continue
            batch = self.parsed[sample.name]
            keys = list(self.census(sample.payload, sample.media_type))
            if not keys:
                problems.append(f"{sample.name}: the census finds no record in a sample that parses")
            ids = {record.source_id for _, record in _records(batch)}
            paths = [n.path for n in batch.not_mapped]
            for key in keys:
                alternatives = key if isinstance(key, tuple) else (key,)
                if not any(k in ids or any(_names(path, k) for path in paths) for k in alternatives):
                    problems.append(f"{sample.name}: {' or '.join(alternatives)} is in the payload but neither a "
                                    "parsed record nor reported as not mapped (dropped silently)")
        self._fail("census", problems)

    def _check_hostile_input(self) -> None:
        hostile = self._hostile if self._hostile is not None else hostile_samples(self.adapter, samples=self.samples)
        problems = []
        for sample in hostile:
            problems += self._refused(sample, why="hostile input")
        self._fail("hostile_input", problems)

    def _check_round_trip(self) -> None:
        reason = self.opted_out("round_trip")
        if not isinstance(self.adapter, Renderer):
            if not reason:
                self._fail("round_trip", ["the adapter has no render(): opt out of 'round_trip' with the reason"])
            return
        problems, views = [], 0
        for name, batch in self.parsed.items():
            views += len(batch.children)
            problems += [f"{name}, {problem}" for problem in round_trip_difference(self.adapter, batch)]
        if views == 0:
            problems.append("no sample has a child, so nothing was rendered")
        if reason:
            if not problems:
                self._fail("round_trip", [f"opted out ({reason}) but the round trip passes: remove the opt-out"])
            return
        self._fail("round_trip", problems)


def check_adapter(
    adapter: Any,
    samples: Sequence[Sample],
    *,
    census: Census | None = None,
    opt_outs: Mapping[str, str] | None = None,
    hostile: Sequence[Sample] | None = None,
) -> dict[str, str]:
    """Run the whole contract on `adapter`: raises ContractViolation naming every check that broke, else returns
    {check: "passed" | "opted out: <reason>"} (print it, so the opt-outs show)."""
    return ContractSuite(adapter, samples, census=census, opt_outs=opt_outs, hostile=hostile).run()


def registered_suite(format_id: str, *, shared_data: Path | None = None, attacks: Path | None = None) -> ContractSuite:
    """The suite for the adapter registered as `format_id` (entry-point group stafett.adapters), with the samples,
    census and opt-outs its `contract` declares; ContractViolation naming the format when it declares none."""
    from adapters.registry import GROUP, get_adapter

    adapter = get_adapter(format_id)
    declaration = getattr(adapter, "contract", None)
    if not isinstance(declaration, ContractDeclaration):
        raise ContractViolation(
            f"adapter {format_id!r} (entry point group {GROUP}) declares no contract: give it a `contract` "
            "(adapters.base.ContractDeclaration) naming its real samples, census and opt-outs")
    try:
        samples = load_samples(declaration, shared_data=shared_data)
    except MissingSamples as exc:
        raise ContractViolation(f"adapter {format_id!r}: {exc}") from None
    hostile = hostile_samples(adapter, attacks=attacks, samples=samples)
    return ContractSuite(adapter, samples, census=declaration.census, opt_outs=declaration.opt_outs, hostile=hostile)
