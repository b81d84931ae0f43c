"""The HTTP face of the hub: app factory, error rendering, request-scoped database sessions.

Each domain brings its own router (endpoints.py); this package only assembles them.
"""
