"""The relay log (stafettlogg): a child's case with its participants, coordinator, timeline, goals and measures.

Entries are append-only: a correction is a new version in the same lineage, pointing to the one it replaces.
"""
