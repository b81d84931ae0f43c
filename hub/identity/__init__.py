"""Who a child is: national id checks and (in resolver.py) matching records to one child.

numbers.py is pure and safe to import from adapters.
"""
