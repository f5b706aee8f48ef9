"""Serve: the HTTP API and the right-to-left web page over the store.

Not built yet (its own issue).
"""
