"""Peers: the registry of other municipal hubs (kommunenummer -> base URL) and their cached public keys.

Used by hub.transfer to encrypt to a destination and by hub.federation to verify who sent a package.
"""
