"""Domain events: one row per fact a later feature (notifications, webhooks) may act on, written by the domain's
writer in the same transaction as the fact. Rows only; nothing delivers them yet.
"""
