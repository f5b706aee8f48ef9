"""Store: the embedded database (SQLite by default) of articles, analyses, vectors and stories.

Not built yet (its own issue).
"""
