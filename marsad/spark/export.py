"""Load a Spark job's output folder into a marsad store, so ``marsad serve`` shows what Spark built.

Reads the Parquet tables with pyarrow (no Spark, no JVM): articles, analyses and stories, in
input order, a batch at a time. Each article is written with its story and copy mark as the job
gave them, and each story's state (centroid of its independent members, entity counts, size,
time span, headline) is built as the clusterer builds it, so later ``marsad ingest`` runs into
the store continue these stories. Band keys and signatures are computed again (cheap), so later
copies of these articles are found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from marsad.cluster import CopyFinder, CopySettings
from marsad.errors import StoreError
from marsad.models import Analysed
from marsad.store.base import Batch, NewArticle, Store, StoryState

EXPORT_BATCH = 500


@dataclass(frozen=True)
class Exported:
    articles: int
    stories: int


@dataclass
class _StoryProfile:
    centroid: np.ndarray
    entities: Counter  # left empty: the store counts story entities from the articles it is given
    size: int = 0
    articles: int = 0
    first: str | None = None
    last: str | None = None
    headline: str | None = None
    headline_article: str | None = None

    def state(self, story_id: str) -> StoryState:
        return StoryState(story_id, self.centroid, self.entities, self.size, self.articles, self.first, self.last, self.headline, self.headline_article)


def _table(output: Path, name: str):
    import pyarrow.parquet as pq

    folder = output / name
    if not (folder / "_SUCCESS").exists():
        raise StoreError(f"{folder}: missing (run `marsad spark cluster … {output}` first)")
    return pq.read_table(folder)


def export_output(output: str | Path, store: Store, *, copies: CopySettings | None = None,
                  on_progress: Callable[[int, int], None] | None = None) -> Exported:
    """Write every clustered article of ``output`` into ``store`` with its story; returns the counts."""
    from marsad.spark.clean import article_from_row
    from marsad.store.codec import decode_analysis

    output = Path(output)
    placed = {row["id"]: row for row in _table(output, "stories").to_pylist()}
    analyses = _table(output, "analyses")
    analysis_of = dict(zip(analyses.column("id").to_pylist(), analyses.column("analysis").to_pylist()))
    rows = sorted((row for row in _table(output, "articles").to_pylist() if row["id"] in placed), key=lambda row: row["seq"])
    finder = CopyFinder(copies)
    profiles: dict[str, _StoryProfile] = {}
    written: set[str] = set()
    batch: list[NewArticle] = []
    touched: set[str] = set()

    def flush() -> None:
        if batch:
            store.add(Batch(tuple(batch), tuple(profiles[story].state(story) for story in sorted(touched))))
            batch.clear()
            touched.clear()

    for done, row in enumerate(rows, 1):
        if row["id"] in written:
            continue
        written.add(row["id"])
        article = article_from_row(row)
        analysis = decode_analysis(analysis_of[row["id"]])
        mark = placed[row["id"]]
        story_id, copy_of = mark["story"], mark["copy_of"]
        vector = np.asarray(analysis.document_vector, np.float32)
        profile = profiles.setdefault(story_id, _StoryProfile(np.zeros_like(vector), Counter()))
        profile.articles += 1
        if article.published:
            profile.first = min(filter(None, (profile.first, article.published)))
            profile.last = max(filter(None, (profile.last, article.published)))
        if copy_of is None:
            profile.centroid = profile.centroid + vector
            profile.size += 1
        if profile.headline is None and article.title:
            profile.headline, profile.headline_article = article.title, article.id
        fingerprint = finder.fingerprint(article.text)
        batch.append(NewArticle(Analysed(article, analysis), story_id, row["outlet"], copy_of, mark["copy_kind"], fingerprint.bands, fingerprint.signature))
        touched.add(story_id)
        if len(batch) >= EXPORT_BATCH:
            flush()
            if on_progress:
                on_progress(done, len(rows))
    flush()
    if on_progress:
        on_progress(len(rows), len(rows))
    if hasattr(store, "save_index"):
        store.save_index()
    return Exported(len(written), len(profiles))
