"""Durable delivery of any kind of item (transfer messages today; webhooks, notices tomorrow), claimed by workers.

A domain registers a handler per kind (handlers.py); the outbox enqueues, claims, retries, parks and purges (service.py).
"""
