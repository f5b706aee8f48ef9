"""Where does the per-article cost grow with the store? A profile of the fill at each size.

    python bench/profile_growth.py [--sizes 10000 40000] [--window 20] [--top 40] [--db-dir /tmp/marsad-growth]

The store is filled through the real clusterer with the generated articles of ``scale.py``
(batches of 64); at each size, ``--window`` more batches are added under cProfile and the
time per article is printed with the functions that took it, cumulative, so that two sizes can
be read side by side (call counts included: more candidate stories, more store reads, more
judge profiles per article show there). cProfile slows the code it watches: compare sizes with
each other, not with ``scale.py``'s timings.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_quality import DEFAULT_DATA  # noqa: E402
from scale import Generator, real_articles  # noqa: E402

from marsad.cluster import StoryClusterer  # noqa: E402
from marsad.engine import Engine  # noqa: E402
from marsad.settings import Settings  # noqa: E402
from marsad.store.sqlite import SQLiteStore  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 40_000])
    parser.add_argument("--window", type=int, default=20, help="batches of 64 profiled at each size")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--db-dir", type=Path, default=Path("/tmp/marsad-growth"))
    args = parser.parse_args()

    engine = Engine(Settings(encoder=args.encoder))
    generator = Generator(real_articles(engine, args.data))
    shutil.rmtree(args.db_dir, ignore_errors=True)
    args.db_dir.mkdir(parents=True)
    store = SQLiteStore(args.db_dir / "growth.db", save_interval=120)
    clusterer = StoryClusterer(store)
    number = 0

    def add_batch() -> None:
        nonlocal number
        clusterer.add([(generator.article(number + i), None) for i in range(64)])
        number += 64

    for size in sorted(args.sizes):
        while number < size:
            add_batch()
        profile = cProfile.Profile()
        began = time.perf_counter()
        profile.enable()
        for _ in range(args.window):
            add_batch()
        profile.disable()
        per_article = (time.perf_counter() - began) * 1000 / (64 * args.window)
        print(f"== {size:,} stored: {per_article:.2f} ms per article under the profiler", flush=True)
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(args.top)
        print(text.getvalue(), flush=True)
    store.close()


if __name__ == "__main__":
    main()
