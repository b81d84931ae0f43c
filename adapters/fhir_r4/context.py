"""Mapping state for one payload: resolved references per resource, the batch being filled, lookups.

Shared by the per-resource mappers (people, clinical, plans, consent, case) in adapters.fhir_r4.
"""

from __future__ import annotations

from typing import Any

from adapters.fhir_r4.checks import element_path
from adapters.fhir_r4.reader import Item
from adapters.fhir_r4.refs import Location, References, find_references, with_references
from hub.canonical import ChildRecord, Identifier, NotMapped, ParsedBatch, ReportWarning
from hub.canonical.vocab import NATIONAL_ID_SYSTEMS
from hub.core.errors import PayloadRejected


class Context:
    def __init__(self, batch: ParsedBatch, items: list[Item], *, bundle_type: str | None = None):
        self.bundle_type = bundle_type
        self.batch = batch
        self.items = items
        self.refs = References(items)
        self.targets: dict[int, dict[int, Item]] = {}  # id(item) -> {id(Reference dict): target}
        self.rewrites: dict[int, list[tuple[Location, str]]] = {}  # id(item) -> [(where a resolved Reference is, target)]
        self.children_by_identifier: dict[str, str] = {}
        self.guardian_ids: set[str] = set()
        self.org_ids: set[str] = set()
        self.mapped_ids: set[str] = set()
        self.names_by_id: dict[str, str] = {}  # practitioner source id -> display name
        self.stub_children: dict[str, str] = {}
        self.episode_teams: set[str] = set()  # CareTeams an EpisodeOfCare names: folded into its CaseFact
        self.team_members: dict[str, list] = {}

    # references -------------------------------------------------------
    def resolve_all(self) -> None:
        """Resolve every literal reference once (rejecting dangling urn:uuid ones)."""
        for item in self.items:
            if item.type == "(none)":
                continue
            found: dict[int, Item] = {}
            rewrites: list[tuple[Location, str]] = []
            for location, ref in find_references(item.resource):
                path = element_path(item.path, location)
                target = self.refs.resolve(ref["reference"], origin=item, where=path, expected_type=ref.get("type"))
                if target is not None:
                    found[id(ref)] = target
                    rewrites.append((location, target.source_id))
                elif self.bundle_type == "document" and not ref["reference"].startswith("#") and "?" not in ref["reference"]:
                    # A document is self-contained: what it references must travel inside it.
                    raise PayloadRejected(f"{path}: reference {ref['reference']!r} is not in the document Bundle")
            self.targets[id(item)] = found
            self.rewrites[id(item)] = rewrites
            if item.type == "EpisodeOfCare":
                for ref in item.resource.get("team") or []:
                    team = found.get(id(ref))
                    if team is not None and team.type == "CareTeam":
                        self.episode_teams.add(team.source_id)
        for path, reference in self.refs.ambiguous:
            self.warn("ambiguous-reference", f"reference {reference!r} matches several Bundle entries; left unresolved", path)

    def target(self, item: Item, ref: dict[str, Any] | None) -> Item | None:
        if not ref:
            return None
        return self.targets.get(id(item), {}).get(id(ref))

    def target_id(self, item: Item, ref: dict[str, Any] | None) -> str | None:
        target = self.target(item, ref)
        return target.source_id if target is not None else None

    def stored_json(self, item: Item, *, drop: tuple[str, ...] = ("id",)) -> dict[str, Any]:
        """The resource without its id, resolvable references rewritten to the target's source id."""
        stored = with_references(item.resource, self.rewrites.get(id(item), []))  # always a new top level
        for key in drop:
            stored.pop(key, None)
        return stored

    def related(self, item: Item, *, exclude: set[str]) -> list[str]:
        """Source ids of other mapped records this resource points at."""
        result = []
        for target in self.targets.get(id(item), {}).values():
            sid = target.source_id
            if sid in self.mapped_ids and sid not in exclude and sid not in result and sid != item.source_id:
                result.append(sid)
        return result

    # the child --------------------------------------------------------
    def child_of(self, item: Item) -> str | None:
        """The child (Patient) this resource is about, via subject / patient / beneficiary."""
        for key in ("subject", "patient", "beneficiary"):
            ref = item.resource.get(key)
            if isinstance(ref, list):
                ref = ref[0] if len(ref) == 1 else None
            if not isinstance(ref, dict):
                continue
            if ref.get("reference"):
                target = self.target(item, ref)
                return target.source_id if target is not None and target.type == "Patient" else None
            ident = ref.get("identifier") or {}
            key_ = f"{ident.get('system')}|{ident.get('value')}"
            if key_ in self.children_by_identifier:
                return self.children_by_identifier[key_]
            if ident.get("system") in NATIONAL_ID_SYSTEMS and ident.get("value"):
                return self._stub_child(ident["system"], ident["value"])
            return None
        return None

    def _stub_child(self, system: str, value: str) -> str:
        """A child known only by national id (a logical reference): an identifier-only ChildRecord."""
        source_id = f"identifier:{system}|{value}"
        if source_id not in self.stub_children:
            self.stub_children[source_id] = source_id
            self.batch.children.append(
                ChildRecord(source_id=source_id, identifiers=[Identifier(system=system, value=value)])
            )
            self.children_by_identifier[f"{system}|{value}"] = source_id
        return source_id

    # reporting --------------------------------------------------------
    def not_mapped(self, path: str, reason: str) -> None:
        self.batch.not_mapped.append(NotMapped(path=path, reason=reason))

    def warn(self, code: str, message: str, path: str | None = None) -> None:
        self.batch.warnings.append(ReportWarning(code=code, message=message, path=path))

    def unhandled_keys(self, item: Item, handled: set[str]) -> None:
        """Report top-level elements that have no canonical home (they stay in the raw archive)."""
        for key in item.resource:
            base = key.lstrip("_")
            if base not in handled and base not in ("resourceType", "id", "meta", "text"):
                self.not_mapped(f"{item.source_id}.{key}", f"{item.type}.{base} has no canonical field")
