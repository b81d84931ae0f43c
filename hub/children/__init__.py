"""Children and their guardians: identity as (system, value) pairs, names, birth date, address, guardianship.

A child is one row however many identifiers it gathers (a D-nummer, later a fødselsnummer, school ids, …).
"""
