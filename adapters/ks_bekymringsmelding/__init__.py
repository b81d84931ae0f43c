"""KS bekymringsmelding adapter package: exposes the module-level `adapter` for the stafett.adapters entry point.

See adapter.py (parse), detect.py (which schema), schemas.py (offline validation), mapping.py (records).
"""

from adapters.ks_bekymringsmelding.adapter import KsBekymringsmeldingAdapter, adapter

__all__ = ["KsBekymringsmeldingAdapter", "adapter"]
