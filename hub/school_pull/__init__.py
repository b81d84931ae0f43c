"""The school pull (the BTI "handover" of a child to a new service; not the coordinator's baton, which is in
hub.cases): a receiving organisation (a school taking over from a kindergarten, …) fetches a child's package,
filtered by the guardians' consent or a recorded legal basis, in its own format.
"""
