"""Handover pull: a receiving organisation (a school taking over from a kindergarten, …) fetches a child's package,
filtered by the guardians' consent or a recorded legal basis, in its own format.
"""
