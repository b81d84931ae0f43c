"""Trims a consent-filtered case view for a receiver outside the case: no trace of services, identifiers, consents
or attributes from categories the receiver may not see (the fact that child welfare is involved is itself secret).
"""

from __future__ import annotations

from adapters.registry import namespace_registry
from hub.access.policy import CONFIDENTIAL_CATEGORIES, Visibility
from hub.canonical.records import ParsedBatch
from hub.canonical.vocab import DEFAULT_CATEGORY_FOR_SECTOR, Category

# Child and guardian attributes carry no per-fact provenance, so only those declared open travel: the national ids,
# the identifiers of namespaces an adapter declares open (school, kindergarten) and the extra keys it declares open.


def _open_identifier(system: str) -> bool:
    return namespace_registry().is_open(system)


def _sees_category(visibility: Visibility, category: Category) -> bool:
    if category in CONFIDENTIAL_CATEGORIES and visibility.named is not None:
        return category in visibility.named
    return category in visibility.categories


def _may_show(visibility: Visibility, category: Category) -> bool:
    """A service of an open category (school, kindergarten, PPT) may be named; one of a confidential category
    (health, child welfare, social) only when the receiver may see that category."""
    return category not in CONFIDENTIAL_CATEGORIES or _sees_category(visibility, category)


def _referenced_orgs(view: ParsedBatch) -> set[str]:
    refs = {e.author_org_ref for e in view.entries if e.author_org_ref}
    refs |= {m.responsible_org_ref for m in view.measures if m.responsible_org_ref}
    refs |= {ev.author_org_ref for m in view.measures for ev in m.evaluations if ev.author_org_ref}
    refs |= {o for c in view.consents for o in c.org_refs}
    return refs


def for_receiver(view: ParsedBatch, *, visibility: Visibility) -> ParsedBatch:
    """The view as a receiver may get it: only the consents relied on, no organisation of a confidential sector it
    may not see (unless it wrote something the receiver sees), only open identifiers and attributes."""
    registry = namespace_registry()
    relied = {str(i) for i in visibility.basis_ids}
    consents = [c for c in view.consents if c.source_id in relied]
    kept = view.model_copy(update={"consents": consents})
    referenced = _referenced_orgs(kept)
    orgs = [o for o in view.organizations if o.source_id in referenced or _may_show(visibility, DEFAULT_CATEGORY_FOR_SECTOR[o.sector])]
    org_ids = {o.source_id for o in orgs}
    facts = [
        f.model_copy(update={"participants": [p for p in f.participants if p.org_ref in org_ids]})
        for f in view.case_facts
    ]
    children = [
        c.model_copy(update={
            "identifiers": [i for i in c.identifiers if _open_identifier(i.system)],
            "extra": {k: v for k, v in c.extra.items() if k in registry.open_child_extra},
        })
        for c in view.children
    ]
    guardians = [
        g.model_copy(update={
            "identifiers": [i for i in g.identifiers if _open_identifier(i.system)],
            "extra": {k: v for k, v in g.extra.items() if k in registry.open_guardian_extra},
        })
        for g in view.guardians
    ]
    return kept.model_copy(update={"organizations": orgs, "case_facts": facts, "children": children, "guardians": guardians})
