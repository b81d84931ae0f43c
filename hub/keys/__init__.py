"""The hub's own keys: a signing key (access tokens, transfer packages, receipts, audit anchors) and an encryption key
(packages addressed to this hub), shared through the database with private parts encrypted under secrets kept outside.
"""
