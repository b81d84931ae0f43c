"""Guardians and young people in their child's (or their own) log: read it, add notes and home measures, evaluate
home measures, give and revoke consent, close the log, and see who has read what.
"""
