"""Scale: does the cost per article stay flat as the store grows?

    python bench/scale.py [--sizes 10000 100000] [--probe 300] [--db-dir /tmp] [--encoder use]

What it does, exactly:

1. **Sentence pool.** Real articles (WikiRef220 and the SemEval-2022 texts: English, Arabic,
   German, Spanish, Turkish, Polish, Chinese …) are analysed once with the real encoder
   (cached, as in ``cluster_quality.py``): their sentences, entities, dates and sentence
   vectors form the pool.
2. **Generated articles.** Each generated article takes 5–10 sentences (at most a third, in
   order; at least 2) of one pool article (its "event"; the events in play move along the
   pool as the stream advances, so an event is reported over about six days) plus 2–4
   sentences of other pool articles, with their own entities, dates and vectors (document vector =
   normalised mean), and a date that advances through the stream (about 1,000 articles a
   day). So they have realistic length and entity mixes, and
   articles of one event resemble each other as reports of one event do; no encoder runs
   during the fill.
3. **Fill.** The store is filled to each size through the real clusterer and store (batches
   of 64: copy check, ANN and entity candidates, scores, one transaction per batch). With
   ``--fill-without-judge`` the fill skips the pair judge (``verify=None``: about twice as
   fast, stories a little different); the probes below always use the default clusterer.
4. **Probe.** At each size, ``--probe`` further generated articles are added one per batch;
   the time of each (cluster + store, the part that could grow with the store) gives p50/p95.
   Then ``--real-pages`` more generated articles are turned back into plain pages (title,
   date, paragraphs) and ingested end to end through ``Engine.ingest_items`` (clean, analyse
   with the real encoder in ``--workers`` processes, cluster, store) for articles/s; worker
   start-up (model loading) is included.

Reports articles/s, p50/p95 per article, peak memory (max RSS), database size and the largest
story (articles, days) per size.

``--resume`` measures (step 4, after one untimed batch of 64 that loads the judge as a fill
would have) an existing store in ``--db-dir`` at the size it has, for example one whose fill was
stopped: a fill that outlasts a working session is killed, and the store it leaves (every
committed batch, the ANN index caught up on open) is probed as it stands; then it is filled on
to any ``--sizes`` larger than that and probed at each.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_quality import DEFAULT_DATA, analysed_cached, load_semeval, load_wikiref  # noqa: E402

from marsad.cluster import ClusterSettings, StoryClusterer  # noqa: E402
from marsad.engine import Engine  # noqa: E402
from marsad.models import Analysed, Analysis, Article, RawPage, Span  # noqa: E402
from marsad.settings import Settings  # noqa: E402
from marsad.store.sqlite import DEFAULT_CACHE_MIB, SQLiteStore  # noqa: E402


def real_articles(engine: Engine, data: Path) -> list[Analysed]:
    """The analysed articles whose sentences the generator recombines: WikiRef220 and the SemEval-2022 texts."""
    pool = analysed_cached(engine, [a for _, a in load_wikiref(engine, data / "clustering" / "wikiref220")], "wikiref220")
    for name in ("hfl_texts_a", "hfl_texts_b"):
        pool += analysed_cached(engine, load_semeval([data / "semeval2022" / f"{name}.csv"])[0], name)
    return pool


class Generator:
    """Articles recombined from the real sentences (and their analysis) of a pool of articles."""

    def __init__(self, pool: list[Analysed], seed: int = 0):
        self.pool = [a for a in pool if len(a.analysis.sentences) >= 6]
        self.rng = random.Random(seed)
        self.start = np.datetime64("2020-01-01")

    def _sentence(self, source: Analysed, index: int, unit: str):
        sentence = source.analysis.sentences[index]
        offset = sentence.span.start
        shift = lambda span: Span(unit, span.start - offset, span.end - offset)  # noqa: E731
        entities = [replace(e, span=shift(e.span)) for e in source.analysis.entities if e.sentence == index]
        dates = [replace(d, span=shift(d.span)) for d in source.analysis.dates if d.sentence == index]
        return sentence.text, source.analysis.sentence_vectors[index], entities, dates

    def article(self, number: int) -> Analysed:
        rng = self.rng
        # An event is reported for a few days: the events in play move along the pool with the stream.
        event = self.pool[(number // 100 + rng.randrange(60)) % len(self.pool)]
        count = len(event.analysis.sentences)
        # A third of the event's sentences at most, so two reports of it are not near-duplicates.
        take = sorted(rng.sample(range(count), max(2, min(count // 3, rng.randint(5, 10)))))
        picks = [(event, i) for i in take]
        for _ in range(rng.randint(2, 4)):
            other = rng.choice(self.pool)
            picks.insert(rng.randint(1, len(picks)), (other, rng.randrange(len(other.analysis.sentences))))
        paragraphs, vectors, entities, dates, sentences = [], [], [], [], []
        for j, (source, index) in enumerate(picks):
            text, vector, found, found_dates = self._sentence(source, index, f"p{j}")
            paragraphs.append(text)
            vectors.append(vector)
            sentences.append(replace(source.analysis.sentences[index], span=Span(f"p{j}", 0, len(text))))
            entities += [replace(e, sentence=j) for e in found]
            dates += [replace(d, sentence=j) for d in found_dates]
        matrix = np.stack(vectors).astype(np.float32)
        mean = matrix.mean(axis=0)
        published = str(self.start + np.timedelta64(number // 1000, "D"))
        article = Article(source=f"<generated {number}>", title=f"{paragraphs[0][:90]} #{number}", paragraphs=tuple(paragraphs),
                          published=published, language=event.article.language)
        analysis = Analysis(language=event.article.language, sentences=tuple(sentences), entities=tuple(entities),
                            dates=tuple(dates), quantities=(), sentence_vectors=matrix,
                            document_vector=mean / (np.linalg.norm(mean) or 1.0))
        return Analysed(article, analysis)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def store_size_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--probe", type=int, default=300)
    parser.add_argument("--real-pages", type=int, default=300, help="pages ingested end to end (clean, real encoder, cluster, store) at each size")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--db-dir", type=Path, default=Path("/tmp/marsad-scale"))
    parser.add_argument("--fill-without-judge", action="store_true", help="fill with verify=None (probes still use the default settings)")
    parser.add_argument("--max-span-days", type=lambda v: None if v == "none" else int(v), default=ClusterSettings().max_span_days,
                        help="ClusterSettings.max_span_days of the fill and the probes ('none': no limit, as before session 8)")
    parser.add_argument("--cache-mib", type=int, default=DEFAULT_CACHE_MIB, help="the most the store's page cache takes")
    parser.add_argument("--resume", action="store_true", help="probe the store already in --db-dir at its size, then fill it on to any larger --sizes")
    args = parser.parse_args()
    if args.resume and not (args.db_dir / "scale.db").exists():
        parser.error(f"--resume: no store at {args.db_dir / 'scale.db'}")

    engine = Engine(Settings(encoder=args.encoder))
    generator = Generator(real_articles(engine, args.data))

    db = args.db_dir / "scale.db"
    if not args.resume:
        shutil.rmtree(args.db_dir, ignore_errors=True)
        args.db_dir.mkdir(parents=True)
    store = SQLiteStore(db, save_interval=120, cache_mib=args.cache_mib)
    settings = replace(ClusterSettings(), max_span_days=args.max_span_days)
    clusterer = StoryClusterer(store, settings)
    filler = StoryClusterer(store, replace(settings, verify=None)) if args.fill_without_judge else clusterer
    filled, number, rows = 0, 0, []
    if args.resume:
        began = time.perf_counter()
        filled = number = store.counts().articles
        # Articles of the stream at this point: the generator's events in play and dates follow the
        # article number (the random draws differ from the stopped fill's, whose state is gone).
        generator.rng.seed(filled)
        store.nearest(generator.article(number).analysis.document_vector, 1)  # loads (and catches up) the ANN index
        print(f"  resumed at {filled:,} stored ({time.perf_counter() - began:.0f} s to open the store and its index)", file=sys.stderr, flush=True)
        # Warm, as after a fill: one untimed batch loads the judge and the members it keeps.
        clusterer.add([(generator.article(filled + i), None) for i in range(64)])
        filled = number = filled + 64
    # Resumed: probed at the size it has, then filled on to any larger --sizes and probed there.
    sizes = [filled] + [n for n in sorted(args.sizes) if n > filled] if args.resume else sorted(args.sizes)
    for size in sizes:
        start = time.perf_counter()
        fill_count = 0
        while filled < size:
            batch = [(generator.article(number + i), None) for i in range(min(64, size - filled))]
            number += len(batch)
            filler.add(batch)
            filled += len(batch)
            fill_count += len(batch)
            if filled % 6400 < 64:
                print(f"  filled {filled:,} ({fill_count / (time.perf_counter() - start):.0f}/s)", file=sys.stderr, flush=True)
        fill_rate = fill_count / (time.perf_counter() - start) if fill_count else 0.0
        latencies = []
        for _ in range(args.probe):
            item = (generator.article(number), None)
            number += 1
            began = time.perf_counter()
            clusterer.add([item])
            latencies.append((time.perf_counter() - began) * 1000)
        filled += args.probe
        pages = []
        for _ in range(args.real_pages):
            article = generator.article(number).article
            number += 1
            pages.append(RawPage(source=article.source, text="\n\n".join(article.paragraphs), format="plain",
                                 title=article.title, published=article.published))
        began = time.perf_counter()
        result = engine.ingest_items(pages, store, workers=args.workers)
        end_to_end = (result.stored + result.seen) / (time.perf_counter() - began)
        store.save_index()
        counts = store.counts()
        largest = store.db.execute("SELECT size, julianday(last_published) - julianday(first_published) FROM stories ORDER BY size DESC LIMIT 1").fetchone()
        row = {
            "stored": counts.articles, "stories": counts.stories, "fill_articles_per_s": round(fill_rate, 1),
            "cluster_store_ms_p50": round(float(np.percentile(latencies, 50)), 2),
            "cluster_store_ms_p95": round(float(np.percentile(latencies, 95)), 2),
            "end_to_end_articles_per_s": round(end_to_end, 1), "end_to_end_pages": result.stored + result.seen,
            "peak_rss_mib": round(peak_rss_mib()), "db_mib": round(store_size_mib(db)),
            "largest_story": largest[0], "largest_story_days": round(largest[1] or 0),
        }
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    store.close()
    print(f"{'stored':>9} {'stories':>8} {'fill/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'e2e/s':>6} {'RSS MiB':>8} {'DB MiB':>7} {'largest story':>18}")
    for r in rows:
        print(f"{r['stored']:>9,} {r['stories']:>8,} {r['fill_articles_per_s']:>7} {r['cluster_store_ms_p50']:>7} {r['cluster_store_ms_p95']:>7} "
              f"{r['end_to_end_articles_per_s']:>6} {r['peak_rss_mib']:>8} {r['db_mib']:>7} {r['largest_story']:>8,} / {r['largest_story_days']:>4} d")
    if len(rows) > 1:
        print(f"p95 at {rows[-1]['stored']:,} / p95 at {rows[0]['stored']:,}: {rows[-1]['cluster_store_ms_p95'] / rows[0]['cluster_store_ms_p95']:.2f}×")
    print(json.dumps({"encoder": args.encoder, "workers": args.workers, "fill_without_judge": args.fill_without_judge, "rows": rows}))


if __name__ == "__main__":
    main()
