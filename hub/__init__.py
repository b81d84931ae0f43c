"""Stafett hub: one shared child case (the BTI relay log) fed by every service's own system.

The package root stays import-light so adapters can use hub.canonical and hub.core without a database.
"""
