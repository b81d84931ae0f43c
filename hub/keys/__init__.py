"""The hub's own keys: a signing key (access tokens, transfer packages, receipts) and an encryption key (transfer
packages addressed to this hub), kept in the database so several API processes share them; rotation keeps old ones.
"""
