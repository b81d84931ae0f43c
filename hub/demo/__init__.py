"""Demo data: two municipalities, an organisation of every sector, and one child's case at BTI level 2.

Loaded through the same services the API uses, so the demo exercises the real rules.
"""
