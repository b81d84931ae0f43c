"""Access: the policy (policy.py: who may see which case and which entries in it), the read door (reader.py: every
read of child data opens through it and is audited there), the one case view (views.py) and the write door (writes.py).
"""
