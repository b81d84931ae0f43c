"""The ingest pipeline shared by every adapter: archive → parse → resolve the child → upsert → report.

One payload is one transaction; re-sending the same payload changes nothing; a newer version of a record updates it.
"""
