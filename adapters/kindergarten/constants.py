"""Constants of the kindergarten-v1 transition report: namespace, schema path, identifier and code systems.

The code systems (one per observation tool) are documented in schemas/kindergarten-v1.md.
"""

from __future__ import annotations

from pathlib import Path

NS = "urn:stafett:kindergarten:v1"
FORMAT_ID = "kindergarten-v1"
MAPPING_VERSION = "kindergarten-v1/1"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "kindergarten-v1.xsd"

CHILD_LOCAL_ID_PREFIX = "urn:stafett:kindergarten:v1:child-id:"  # + the kindergarten's orgNr
UNVERIFIED_NATIONAL_ID = "urn:stafett:kindergarten:v1:national-id-unverified"
UNVERIFIED_ORGNR = "urn:stafett:kindergarten:v1:orgnr-unverified"

TRAS_SYSTEM = "urn:stafett:kindergarten:v1:tras"
ALLE_MED_SYSTEM = "urn:stafett:kindergarten:v1:alle-med"
ASQ3_SYSTEM = "urn:stafett:kindergarten:v1:asq3"
DECISION_SYSTEM = "urn:stafett:kindergarten:v1:decision-type"

TRAS_AREAS = {
    "samspill": "Samspill", "kommunikasjon": "Kommunikasjon", "oppmerksomhet": "Oppmerksomhet",
    "spraakforstaaelse": "Språkforståelse", "spraaklig-bevissthet": "Språklig bevissthet", "uttale": "Uttale",
    "ordproduksjon": "Ordproduksjon", "setningsproduksjon": "Setningsproduksjon",
}
ALLE_MED_AREAS = {
    "trivsel": "Trivsel", "hverdagsaktiviteter": "Hverdagsaktiviteter", "lek": "Lek",
    "sosio-emosjonell": "Sosio-emosjonell utvikling", "spraak": "Språk", "sanser-motorikk": "Sanser og motorikk",
}
ASQ3_DOMAINS = {
    "communication": "Communication", "gross-motor": "Gross motor", "fine-motor": "Fine motor",
    "problem-solving": "Problem solving", "personal-social": "Personal-social",
}
DECISION_TYPES = {
    "spesialpedagogisk-hjelp": "Spesialpedagogisk hjelp", "tilrettelegging": "Tilrettelegging",
    "other": "Other decision",
}
