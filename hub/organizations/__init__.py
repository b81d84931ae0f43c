"""Organisations: the services that take part in a child's case (health clinic, school, child welfare, …).

models.py holds the ORM, schemas.py the API shapes, repository.py the SQL, service.py the rules, endpoints.py the router.
"""
