"""The project's own example payloads as tests send them: the kindergarten transition report with its consent
running a year from today (the file's fixed ValidTo would stop the school's handover when that date passes).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

KINDERGARTEN_EXAMPLE = Path(__file__).resolve().parents[1] / "schemas" / "examples" / "kindergarten-v1-example.xml"
KINDERGARTEN_CHILD = "15072052088"
KINDERGARTEN_ORGNR = "974760673"
RECEIVING_SCHOOL_ORGNR = "971524960"


def kindergarten_report() -> bytes:
    """The example report, its consent valid until a year from today."""
    text = KINDERGARTEN_EXAMPLE.read_text(encoding="utf-8")
    text, replaced = re.subn(r"<ValidTo>[^<]*</ValidTo>", f"<ValidTo>{date.today() + timedelta(days=365)}</ValidTo>", text)
    assert replaced == 1, "the example's consent has one ValidTo"
    return text.encode("utf-8")
