"""SIF AU 3.4 adapter (format "sif-au"): school data (students, contacts, enrolment, attendance, plans, wellbeing).

Exposes the module-level `adapter` the stafett.adapters entry point names.
"""

from adapters.sif_au.adapter import SifAuAdapter

adapter = SifAuAdapter()

__all__ = ["SifAuAdapter", "adapter"]
