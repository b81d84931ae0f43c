"""Kindergarten transition report adapter (format "kindergarten-v1", the hub's own published format).

Exposes the module-level `adapter` the stafett.adapters entry point names; schema in schemas/kindergarten-v1.xsd.
"""

from adapters.kindergarten.adapter import KindergartenAdapter

adapter = KindergartenAdapter()

__all__ = ["KindergartenAdapter", "adapter"]
