"""Durable delivery of any kind of item (today the transfer messages), claimed by `stafett worker` processes.

A domain registers a handler per kind (handlers.py); the outbox enqueues, claims, retries, parks and purges (service.py).
"""
