"""Tells which KS bekymringsmelding a JSON body is: public or private reporter, protocol v1 or v2.

Refuses what is not a report (error receipts, bodies that fit no schema) with PayloadRejected naming why.
"""

from __future__ import annotations

import re
from typing import Any

from adapters.ks_bekymringsmelding.schemas import SCHEMA_FILES, SchemaKey, first_error, is_error_receipt
from hub.core.errors import PayloadRejected

# The Fiks IO message type, when the caller passes it as a media-type parameter, e.g.
# "application/json; meldingstype=no.ks.fiks.bekymringsmelding.privat.v2".
_MESSAGE_TYPE = re.compile(r"no\.ks\.fiks\.bekymringsmelding\.(offentlig|privat)\.(v1|v2)\b")
_PUBLIC_KEYS = frozenset({"offentligMelder", "offentligBarn", "foresatte"})
_PRIVATE_KEYS = frozenset({"privatMelder", "privatBarn"})


def detect(report: Any, *, media_type: str | None = None) -> SchemaKey:
    """The schema to validate `report` against.

    Kind: from the reporter/children keys. Version: from the Fiks IO message type in `media_type` when given;
    otherwise v2 when the body uses a v2-only field (melding.andreSynspunkter), else v1. The v1 and v2 schemas
    accept the same bodies otherwise (privat v1 and v2 are identical), so the body alone cannot tell them apart.
    """
    if not isinstance(report, dict):
        raise PayloadRejected(f"a KS bekymringsmelding is a JSON object, not {type(report).__name__}", location="/")
    declared = _MESSAGE_TYPE.search(media_type or "")
    if declared:
        return SchemaKey(kind=declared[1], version=declared[2])
    public, private = bool(_PUBLIC_KEYS & report.keys()), bool(_PRIVATE_KEYS & report.keys())
    if public and private:
        raise PayloadRejected(
            "KS bekymringsmelding mixes public (offentligMelder/offentligBarn/foresatte) and private "
            "(privatMelder/privatBarn) reporter fields",
            location="/",
        )
    if not public and not private:
        _reject_unknown(report)
    melding = report.get("melding")
    version = "v2" if isinstance(melding, dict) and "andreSynspunkter" in melding else "v1"
    return SchemaKey(kind="offentlig" if public else "privat", version=version)


def _reject_unknown(report: dict[str, Any]) -> None:
    if is_error_receipt(report):
        raise PayloadRejected(
            "payload is a KS error receipt (feilmelding, message type no.ks.fiks.bekymringsmelding.feilet.v1), "
            "not a bekymringsmelding",
            location="/",
        )
    problems = []
    for kind in ("offentlig", "privat"):
        problem = first_error(report, SCHEMA_FILES[(kind, "v2")])
        if problem is not None:
            problems.append(f"{kind}.v2 at {problem[0]}: {problem[1]}")
    raise PayloadRejected("payload matches no KS bekymringsmelding schema: " + "; ".join(problems), location="/")
