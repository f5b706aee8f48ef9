"""Re-ingesting stored pages: the clean text's hash finds them before the encoder runs, and they are reported as already stored."""

from __future__ import annotations

from marsad.engine import Engine
from marsad.settings import Settings
from marsad.store import open_store
from tests.integration.test_ingest_kill import _pages


def test_reingest_skips_analysis_of_stored_pages(tmp_path):
    pages = tmp_path / "pages"
    _pages(pages, 30)
    engine = Engine(Settings(encoder="hashing"))
    encoded: list[int] = []
    encoder = engine.analyser.encoder
    original = encoder.encode
    encoder.encode = lambda texts: encoded.append(len(texts)) or original(texts)
    try:
        with open_store(tmp_path / "r.db") as store:
            first = engine.ingest([pages], store, batch_size=8)
            assert first.stored == 30 and sum(encoded) > 0
            encoded.clear()
            extra = tmp_path / "extra.txt"
            extra.write_text("تقرير جديد عن المحادثات في العاصمة\n\n" + "قال المسؤولون إن المحادثات ستستمر الأسبوع المقبل. " * 4, encoding="utf-8")
            reported = []
            again = engine.ingest([pages, extra], store, batch_size=8, on_batch=lambda progress: reported.extend(progress.batch))
            assert (again.stored, again.seen) == (1, 30)
            assert len(encoded) == 1  # one encoder call: the new page's batch only
            stories = store.story_of([a.article_id for a in reported])
            assert all(a.seen and a.story_id == stories[a.article_id] for a in reported[:30])
            assert not reported[30].seen
    finally:
        encoder.encode = original
