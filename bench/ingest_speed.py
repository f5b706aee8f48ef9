"""End-to-end ingest speed: clean, analyse (default encoder), cluster and store, in worker processes.

    python bench/ingest_speed.py [--pages 600] [--workers 2] [--encoder use] [--pair-encoder none]

Pages are generated as in ``scale.py`` (real sentences of the WikiRef220 and SemEval-2022 texts
recombined: 10–25 sentences, a title and a date each) and written as plain pages; they are
ingested with ``Engine.ingest_items`` into a fresh store (``--workers`` processes clean and
analyse, this process clusters and writes, one transaction per batch).

Reports wall-clock articles/s, and CPU seconds per article of the workers and of the writer.
On a shared machine the wall clock depends on what else runs; CPU time does not (much), so
``2 / (CPU s per article)`` is also given: what two otherwise idle cores would sustain.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_quality import DEFAULT_DATA  # noqa: E402
from scale import Generator, real_articles  # noqa: E402

from marsad.engine import Engine  # noqa: E402
from marsad.models import RawPage  # noqa: E402
from marsad.settings import DEFAULT_ENTITY_PIECES, PAIR_ENCODERS, Settings  # noqa: E402
from marsad.store import open_store  # noqa: E402


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--pair-encoder", default="auto", choices=PAIR_ENCODERS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--entity-pieces", type=int, default=DEFAULT_ENTITY_PIECES, help="word pieces of each article the entity encoder reads (0: the CRF alone, -1: all)")
    args = parser.parse_args()

    engine = Engine(Settings(encoder=args.encoder, pair_encoder=args.pair_encoder, entity_pieces=args.entity_pieces))
    generator = Generator(real_articles(engine, args.data), seed=1)
    pages = []
    for number in range(args.pages):
        article = generator.article(number).article
        pages.append(RawPage(source=article.source, text="\n\n".join(article.paragraphs), format="plain",
                             title=article.title, published=article.published))
    sentences = sum(len(p.text.split("\n\n")) for p in pages) / len(pages)

    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "speed.db")
        main_before, children_before = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        result = engine.ingest_items(pages, store, batch_size=args.batch_size, workers=args.workers)
        wall = time.perf_counter() - began
        writer_cpu = cpu_seconds(resource.RUSAGE_SELF) - main_before
        workers_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - children_before
        store.close()
    if args.workers == 0:
        workers_cpu, writer_cpu = writer_cpu, 0.0
    per_article = (writer_cpu + workers_cpu) / result.stored
    row = {
        "pages": args.pages, "pair_encoder": args.pair_encoder, "stored": result.stored, "sentences_per_page": round(sentences, 1), "workers": args.workers,
        "wall_s": round(wall, 1), "wall_articles_per_s": round(result.stored / wall, 1),
        "worker_cpu_ms_per_article": round(workers_cpu / result.stored * 1000, 1),
        "writer_cpu_ms_per_article": round(writer_cpu / result.stored * 1000, 1),
        "two_idle_cores_articles_per_s": round(2 / per_article, 1),
    }
    print(f"{row['stored']} articles ({row['sentences_per_page']} sentences each) in {row['wall_s']} s: {row['wall_articles_per_s']} articles/s wall clock")
    print(f"CPU per article: workers {row['worker_cpu_ms_per_article']} ms (clean + analyse), writer {row['writer_cpu_ms_per_article']} ms (cluster + store)")
    print(f"two idle cores would sustain about {row['two_idle_cores_articles_per_s']} articles/s")
    print(json.dumps(row))


if __name__ == "__main__":
    main()
