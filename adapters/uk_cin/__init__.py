"""UK Children in Need census adapter package: exposes the module-level `adapter` for the stafett.adapters entry point.

See adapter.py (parse), schema.py (XSDs), mapping.py (records), rules.py (business-rule warnings), upn.py.
"""

from adapters.uk_cin.adapter import UkCinAdapter, adapter

__all__ = ["UkCinAdapter", "adapter"]
