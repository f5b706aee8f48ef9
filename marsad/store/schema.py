"""The SQLite schema, versioned: ``PRAGMA user_version`` is the number of migrations applied.

A migration is appended, never edited: opening an older store applies the missing ones in
order, in one transaction each.

Design notes:
    * ``articles`` holds the clean fields (as JSON, so new Article fields need no migration),
      the indexed columns pages filter on, the cached analysis (``marsad.store.codec``), the
      document vector and the MinHash signature.
    * ``article_fingerprints`` (migration 3) keeps each article's MinHash signature and LSH
      band keys in one small row, appended in rowid order; the look-up by key is the in-memory
      :class:`~marsad.store.bands.BandIndex` built from it. Migration 1 had one ``bands`` row
      per key and article (32 random B-tree inserts per article, and a scattered read per
      look-up once the file outgrew the page cache) and the signature at the end of the
      ``articles`` row, after the text and analysis: reading it walked the row's overflow pages.
      That column is no longer written (dropping it would rewrite the table). The ``bands``
      counter counts rewrites of the fingerprints by a recluster with other copy settings,
      which any saved or loaded band index must be rebuilt after.
    * ``articles_by_id`` (migration 4) covers what the clusterer reads by article id (story,
      copy link, date): an ``articles`` row holds the text and analysis, so its leaf pages
      (about 2.8 GB at a million articles, one row per 2–4 KB page) are read otherwise, at
      random, for each of an article's 20 neighbours.
    * ``story_entities`` is each story's entity profile, keyed (entity, recency) so the
      clusterer finds recent stories naming a rare entity with one index range per entity.
    * ``counters`` keeps running totals, so ``count(*)`` over a million rows is never needed,
      and (migration 2) the stories' ``generation``: ``marsad recluster`` raises it when it
      rebuilds every story, and a batch clustered on the stories of an earlier generation is
      refused rather than written over the rebuilt ones.
    * ``articles_fts`` is a contentless FTS5 index over normalised title and text
      (rowid = articles.rowid).
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: articles, analyses, stories, LSH bands, entity profiles, full-text search, outlets
    """
    CREATE TABLE articles (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        story_id TEXT,
        copy_of TEXT,
        copy_kind TEXT,
        title TEXT,
        url TEXT,
        outlet TEXT,
        language TEXT,
        published TEXT,
        added TEXT NOT NULL,
        fields TEXT NOT NULL,
        analysis BLOB NOT NULL,
        vector BLOB NOT NULL,
        signature BLOB
    );
    CREATE INDEX articles_story ON articles(story_id, published);
    CREATE INDEX articles_copy_of ON articles(copy_of) WHERE copy_of IS NOT NULL;
    CREATE INDEX articles_recent ON articles(published, rowid);
    CREATE INDEX articles_language ON articles(language, story_id);
    CREATE INDEX articles_outlet ON articles(outlet, story_id);

    CREATE TABLE article_entities (
        article_id TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (article_id, entity_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_entities_entity ON article_entities(entity_id);

    CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        label TEXT NOT NULL,
        articles INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE bands (
        key INTEGER NOT NULL,
        article_id TEXT NOT NULL,
        PRIMARY KEY (key, article_id)
    ) WITHOUT ROWID;

    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        headline TEXT,
        headline_article TEXT,
        size INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        first_published TEXT,
        last_published TEXT,
        updated TEXT NOT NULL,
        recency TEXT NOT NULL,
        outlets TEXT NOT NULL,
        languages TEXT NOT NULL,
        centroid BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX stories_recent ON stories(recency DESC, updated DESC);

    CREATE TABLE story_entities (
        entity_id TEXT NOT NULL,
        story_id TEXT NOT NULL,
        articles INTEGER NOT NULL,
        last_published TEXT,
        PRIMARY KEY (entity_id, story_id)
    ) WITHOUT ROWID;
    CREATE INDEX story_entities_recent ON story_entities(entity_id, last_published);
    CREATE INDEX story_entities_story ON story_entities(story_id);

    CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO counters (name, value) VALUES ('articles', 0), ('copies', 0);

    CREATE TABLE outlet_templates (
        outlet TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        updated TEXT NOT NULL
    );

    CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='', tokenize='unicode61 remove_diacritics 2');
    """,
    # 2: the stories' generation (recluster rebuilds them in place)
    """
    INSERT OR IGNORE INTO counters (name, value) VALUES ('generation', 0);
    """,
    # 3: an article's MinHash signature and LSH band keys in one small row (rowid = the article's);
    #    the band keys are looked up through the in-memory BandIndex
    """
    CREATE TABLE article_fingerprints (
        rowid INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL,
        signature BLOB NOT NULL,
        bands BLOB NOT NULL
    );
    INSERT INTO article_fingerprints (rowid, article_id, signature, bands)
        SELECT a.rowid, a.id, a.signature, p.bands
        FROM (SELECT article_id, marsad_pack_bands(key) AS bands FROM bands GROUP BY article_id) AS p
        JOIN articles AS a ON a.id = p.article_id
        WHERE a.signature IS NOT NULL
        ORDER BY a.rowid;
    DROP TABLE bands;
    INSERT OR IGNORE INTO counters (name, value) VALUES ('bands', 0);
    """,
    # 4: the clusterer's look-ups by article id answered from an index, not the articles rows
    """
    CREATE INDEX articles_by_id ON articles(id, story_id, copy_of, published);
    """,
    # 5: a story none of whose articles is dated sorts last, not on the day it was ingested
    """
    UPDATE stories SET recency = '' WHERE last_published IS NULL;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
# A read-only open (which cannot migrate) reads stores from this schema on: migration 2 adds only
# a counter that reads do without (`marsad stories` on a store no writer has opened since an upgrade).
OLDEST_READABLE = 1
