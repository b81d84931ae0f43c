"""The raw archive: every payload received, content-addressed by sha256, so nothing is lost in translation.

The same bytes sent twice are stored once.
"""
