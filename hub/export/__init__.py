"""Export: builds the consent-filtered canonical view of one case (a ParsedBatch with one child) and renders it with
the format's adapter; the same view feeds handover packages and hub-to-hub transfers.
"""
