"""Maps the case's log events to EntryRecords: Melding (referral), Undersokelse (assessment), Plan (+Evaluering),
Vedtak (decision), Ettervern, OversendelseFylkesnemnd and Flytting. Source id = "<element>/<SSB Id>".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from adapters.ssb_barnevern.context import MappingContext, element_path, is_true, iso, plain_date, utc
from adapters.ssb_barnevern.legal import legal_basis
from hub.canonical import Category, Code, EntryKind, EntryRecord, Sensitivity


def source_id(element_type: str, ident: str) -> str:
    """The stable source id of any SSB record: its element name and its Id (Ids may repeat across types)."""
    return f"{element_type}/{ident}"


def _entry(element: etree._Element, ctx: MappingContext, *, kind: EntryKind, day: date | None, text: str,
           codes: list[Code], payload: dict[str, Any]) -> EntryRecord:
    payload = {"record_type": element.tag, "ssb_id": element.get("Id"), **payload}
    if element.get("MigrertId"):
        payload["migrated_id"] = element.get("MigrertId")
    return EntryRecord(
        source_id=source_id(element.tag, element.get("Id", "")),
        child_ref=ctx.child_ref,
        kind=kind,
        category=Category.child_welfare,
        sensitivity=Sensitivity.confidential,
        occurred_at=utc(day),
        text=text,
        codes=codes,
        payload=payload,
        author_org_ref=ctx.org_ref,
        retracted=is_true(element.get("ErSlettet")),
    )


def _coded(ctx: MappingContext, element: etree._Element, list_name: str, attr: str, *, on: date | None,
           path: str, target_key: str | None = None) -> tuple[Code, dict[str, Any]]:
    """One coded child (Melder, Saksinnhold, Konklusjon …) as a Code plus its payload description."""
    value = element.get(attr, "")
    code, _concept = ctx.code(list_name, value, on=on, path=f"{path}/@{attr}")
    item: dict[str, Any] = {"code": value, "display": code.display}
    if target_key:
        item[target_key] = ctx.translate(list_name, value)
    if element.get("Presisering"):
        item["presisering"] = element.get("Presisering")
    return code, item


def _concerns(ctx: MappingContext, parent: etree._Element, tag: str, *, on: date | None, path: str
              ) -> tuple[list[Code], list[dict[str, Any]]]:
    codes, items = [], []
    for node in parent.findall(tag):
        code, item = _coded(ctx, node, "saksinnhold", "Kode", on=on, path=f"{path}/{tag}", target_key="category")
        codes.append(code)
        items.append(item)
    return codes, items


def _areas(items: list[dict[str, Any]]) -> list[str]:
    return sorted({item["category"] for item in items if item.get("category")})


def _conclusion(ctx: MappingContext, parent: etree._Element, list_name: str | None, path: str,
                codes: list[Code]) -> dict[str, Any] | None:
    node = parent.find("Konklusjon")
    if node is None:
        return None
    npath = f"{path}/Konklusjon"
    end = plain_date(node, "SluttDato", npath)
    result: dict[str, Any] = {"date": iso(end)}
    if node.get("Kode") is not None and list_name:
        code, item = _coded(ctx, node, list_name, "Kode", on=end, path=npath, target_key="outcome")
        codes.append(code)
        result.update(item)
    elif node.get("Presisering"):
        result["presisering"] = node.get("Presisering")
    if is_true(node.get("ErSlettet")):
        result["deleted"] = True
    ctx.report_leftovers(node, npath, attributes={"SluttDato", "Kode", "Presisering"}, children=set())
    return result


def map_melding(el: etree._Element, ctx: MappingContext, parent_path: str) -> EntryRecord:
    path = element_path(parent_path, el)
    start = plain_date(el, "StartDato", path)
    codes: list[Code] = []
    reporters = []
    for node in el.findall("Melder"):
        code, item = _coded(ctx, node, "melder", "Kode", on=start, path=f"{path}/Melder", target_key="sector")
        codes.append(code)
        reporters.append(item)
    concern_codes, concerns = _concerns(ctx, el, "Saksinnhold", on=start, path=path)
    codes += concern_codes
    conclusion = _conclusion(ctx, el, "melding-konklusjon", path, codes)
    ctx.report_leftovers(el, path, attributes={"StartDato"}, children={"Melder", "Saksinnhold", "Konklusjon"})
    return _entry(el, ctx, kind=EntryKind.referral, day=start, text="Bekymringsmelding mottatt", codes=codes,
                  payload={"start_date": iso(start), "end_date": conclusion and conclusion["date"],
                           "reporters": reporters, "concerns": concerns, "concern_areas": _areas(concerns),
                           "conclusion": conclusion})


def map_undersokelse(el: etree._Element, ctx: MappingContext, parent_path: str) -> EntryRecord:
    path = element_path(parent_path, el)
    start = plain_date(el, "StartDato", path)
    codes, grounds = _concerns(ctx, el, "Vedtaksgrunnlag", on=start, path=path)
    payload: dict[str, Any] = {"start_date": iso(start), "grounds": grounds, "concern_areas": _areas(grounds)}
    frist = el.find("UtvidetFrist")
    if frist is not None:
        granted = {"1": True, "2": False}.get(frist.get("Innvilget") or "")
        payload["extended_deadline"] = {"start_date": iso(plain_date(frist, "StartDato", f"{path}/UtvidetFrist")),
                                        "granted": granted}
        ctx.report_leftovers(frist, f"{path}/UtvidetFrist", attributes={"StartDato", "Innvilget"}, children=set())
    medvirkning = el.find("BarnetsMedvirkning")
    if medvirkning is not None:
        payload["child_participation"] = _medvirkning(medvirkning, ctx, f"{path}/BarnetsMedvirkning", codes)
    conclusion = _conclusion(ctx, el, "undersokelse-konklusjon", path, codes)
    payload.update(end_date=conclusion and conclusion["date"], conclusion=conclusion)
    ctx.report_leftovers(el, path, attributes={"StartDato"},
                         children={"Vedtaksgrunnlag", "UtvidetFrist", "BarnetsMedvirkning", "Konklusjon"})
    return _entry(el, ctx, kind=EntryKind.assessment, day=start, text="Undersøkelse", codes=codes, payload=payload)


def _medvirkning(node: etree._Element, ctx: MappingContext, path: str, codes: list[Code]) -> dict[str, Any]:
    start_text = (node.findtext("StartDato") or "").strip()
    value = (node.findtext("MedvirkningType") or "").strip()
    start = date.fromisoformat(start_text[:10]) if start_text else None
    code, _ = ctx.code("medvirkning", value, on=start, path=f"{path}/MedvirkningType")
    codes.append(code)
    return {"start_date": iso(start), "code": value, "display": code.display}


def map_plan(el: etree._Element, ctx: MappingContext, parent_path: str) -> EntryRecord:
    path = element_path(parent_path, el)
    start = plain_date(el, "StartDato", path)
    code, plan_type = _coded(ctx, el, "plantype", "Plantype", on=start, path=path)
    evaluations = [iso(plain_date(e, "UtfortDato", f"{path}/Evaluering")) for e in el.findall("Evaluering")]
    for node in el.findall("Evaluering"):
        ctx.report_leftovers(node, f"{path}/Evaluering", attributes={"UtfortDato"}, children=set())
    conclusion = _conclusion(ctx, el, None, path, [])
    ctx.report_leftovers(el, path, attributes={"StartDato", "Plantype"}, children={"Evaluering", "Konklusjon"})
    return _entry(el, ctx, kind=EntryKind.document, day=start, text=f"Plan: {code.display or plan_type['code']}",
                  codes=[code], payload={"start_date": iso(start), "plan_type": plan_type,
                                         "evaluations": [{"date": d} for d in evaluations],
                                         "end_date": conclusion and conclusion["date"]})


def map_vedtak(el: etree._Element, ctx: MappingContext, parent_path: str) -> EntryRecord:
    path = element_path(parent_path, el)
    start = plain_date(el, "StartDato", path)
    codes: list[Code] = []
    statuses = []
    for node in el.findall("Status"):
        spath = element_path(path, node)
        changed = plain_date(node, "EndretDato", spath)
        code, item = _coded(ctx, node, "vedtak-status", "Kode", on=changed, path=spath)
        codes.append(code)
        statuses.append({"ssb_id": node.get("Id"), "changed_date": iso(changed), **item})
        ctx.report_leftovers(node, spath, attributes={"EndretDato", "Kode"}, children=set())
    claims = []
    for node in el.findall("Krav"):
        kpath = element_path(path, node)
        claims.append({"ssb_id": node.get("Id"), "start_date": iso(plain_date(node, "StartDato", kpath)),
                       "conclusion": _conclusion(ctx, node, "krav-konklusjon", kpath, codes)})
        ctx.report_leftovers(node, kpath, attributes={"StartDato"}, children={"Konklusjon"})
    conclusion = _conclusion(ctx, el, None, path, [])
    current = max(statuses, key=lambda s: (s["changed_date"] or "", s["ssb_id"] or "")) if statuses else None
    ctx.report_leftovers(el, path, attributes={"StartDato"},
                         children={"Lovhjemmel", "JmfrLovhjemmel", "Krav", "Status", "Konklusjon"})
    return _entry(el, ctx, kind=EntryKind.decision, day=start, text="Vedtak", codes=codes,
                  payload={"start_date": iso(start), "end_date": conclusion and conclusion["date"],
                           **legal_basis(el, ctx, path), "statuses": statuses,
                           "current_status": current and current["code"], "claims": claims})


def map_ettervern(el: etree._Element, ctx: MappingContext, parent_path: str) -> EntryRecord:
    path = element_path(parent_path, el)
    sent = plain_date(el, "TilbudSendtDato", path)
    codes: list[Code] = []
    conclusion = _conclusion(ctx, el, "ettervern-konklusjon", path, codes)
    ctx.report_leftovers(el, path, attributes={"TilbudSendtDato"}, children={"Konklusjon"})
    return _entry(el, ctx, kind=EntryKind.note, day=sent, text="Tilbud om ettervern sendt", codes=codes,
                  payload={"offer_sent_date": iso(sent), "conclusion": conclusion})


def map_oversendelse(el: etree._Element, ctx: MappingContext, parent_path: str) -> EntryRecord:
    path = element_path(parent_path, el)
    start = plain_date(el, "StartDato", path)
    ctx.report_leftovers(el, path, attributes={"StartDato"}, children={"Lovhjemmel", "JmfrLovhjemmel"})
    return _entry(el, ctx, kind=EntryKind.referral, day=start, text="Begjæring oversendt fylkesnemnda", codes=[],
                  payload={"start_date": iso(start), **legal_basis(el, ctx, path)})


def map_flytting(el: etree._Element, ctx: MappingContext, parent_path: str) -> EntryRecord:
    path = element_path(parent_path, el)
    moved = plain_date(el, "SluttDato", path)
    codes: list[Code] = []
    payload: dict[str, Any] = {"date": iso(moved)}
    for tag, list_name, key in (("ArsakFra", "flytting-arsakfra", "reason"), ("FlyttingTil", "flytting-flyttingtil", "to")):
        node = el.find(tag)
        if node is not None:
            code, item = _coded(ctx, node, list_name, "Kode", on=moved, path=f"{path}/{tag}")
            codes.append(code)
            payload[key] = item
            ctx.report_leftovers(node, f"{path}/{tag}", attributes={"Kode", "Presisering"}, children=set())
    ctx.report_leftovers(el, path, attributes={"SluttDato"}, children={"ArsakFra", "FlyttingTil"})
    return _entry(el, ctx, kind=EntryKind.note, day=moved, text="Flytting", codes=codes, payload=payload)


ENTRY_MAPPERS = {
    "Melding": map_melding,
    "Undersokelse": map_undersokelse,
    "Plan": map_plan,
    "Vedtak": map_vedtak,
    "Ettervern": map_ettervern,
    "OversendelseFylkesnemnd": map_oversendelse,
    "Flytting": map_flytting,
}
