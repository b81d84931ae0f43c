"""Cross-cutting pieces with no database: errors, settings, hardened XML and JSON loading.

Everything here is safe to import from adapters/.
"""
