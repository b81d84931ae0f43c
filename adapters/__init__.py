"""Adapters: one package per external record format, pure translation to and from hub.canonical records.

They know nothing about the database, consent or audit; they register through the `stafett.adapters` entry points.
"""
