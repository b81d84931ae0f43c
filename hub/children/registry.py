"""The seam for an authoritative source of guardianship (the national population register, Folkeregisteret): whether
a person holds parental responsibility for a child. None is configured today; log access then comes from a coordinator.
"""

from __future__ import annotations

from hub.children.models import Child, Guardian
from hub.core.settings import Settings


def confirms(*, settings: Settings, child: Child, guardian: Guardian) -> bool | None:
    """True: the register lists the guardian (by national id) with parental responsibility for the child, and they
    may see the log without anyone's confirmation; False: it does not, and nobody may grant them access; None: no
    register is configured (today always), and the case's coordinator decides.

    A national-register adapter plugs in here: a setting naming it, a lookup of the child's national id, the answer
    recorded as `registry:<name>` in Guardian.log_access_by."""
    return None
