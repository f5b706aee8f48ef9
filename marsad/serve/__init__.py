"""Serve: the HTTP API and the web page over the store (``marsad serve``).

    app.py           create_app(store, engine, settings): middleware, routes, error pages
    api.py           /api/… JSON handlers
    pages.py         /, /story/…, /article/…, /compare, /docs HTML handlers
    story_view.py    a story's columns, one-outlet facts, conflicts, copies, timeline
    compare_view.py  two articles, the seven scores, aligned sentences, evidence marks
    marks.py         text cut into escaped, marked pieces
    security.py      CSP and security headers, request body size limit
    samples.py       a store of the bundled sample pages, when there is no store yet
"""

from marsad.serve.app import ServeSettings, create_app

__all__ = ["ServeSettings", "create_app"]
