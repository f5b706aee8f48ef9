"""Where does one article's cluster-and-store time go? Every store call and SQL statement, timed.

    python bench/probe_calls.py --db /tmp/marsad-scale/scale.db [--probe 500] [--fill 10000] [--no-warm --cache-mib 64]

Opens a store filled by ``scale.py`` (or, with ``--fill N``, fills a new one to N articles
without the judge, as ``scale.py --fill-without-judge`` does), adds one untimed batch of 64 to
load the judge, then adds ``--probe`` generated articles one per batch with the default
clusterer, as ``scale.py``'s probe does. Each store method the clusterer calls and each SQL
statement run inside :meth:`SQLiteStore.add` (COMMIT included) is timed; the table gives, per
call, its mean time per article and its mean in the probes of the slowest tenth (where p95
lives), so that two sizes can be read side by side. Unlike cProfile it does not slow the
Python code between the calls.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_quality import DEFAULT_DATA  # noqa: E402
from scale import Generator, real_articles  # noqa: E402

from marsad.cluster import ClusterSettings, StoryClusterer  # noqa: E402
from marsad.engine import Engine  # noqa: E402
from marsad.settings import Settings  # noqa: E402
from marsad.store.sqlite import DEFAULT_CACHE_MIB, SQLiteStore  # noqa: E402

STORE_CALLS = ("nearest", "band_matches", "signatures", "story_of", "known", "story_states", "stories_with_entities",
               "entity_frequencies", "independent_articles", "generation", "analysed", "add")


class Timings:
    """Seconds per label for the article being probed."""

    def __init__(self):
        self.current: dict[str, float] = defaultdict(float)

    def timed(self, label: str, call):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.current[label] += time.perf_counter() - began
        return wrapper


class TimedConnection:
    """A sqlite3 connection whose statements are timed while ``active`` (inside ``add``)."""

    def __init__(self, db, timings: Timings):
        self._db, self._timings, self.active = db, timings, False

    @staticmethod
    def label(sql: str) -> str:
        words = re.sub(r"\s+", " ", sql.strip())
        table = re.search(r"(?:INTO|FROM|UPDATE|TABLE)\s+(\w+)", words, re.I)
        return f"sql {words.split(' ', 1)[0].upper()} {table.group(1) if table else ''}".strip()

    def execute(self, sql, *args):
        if not self.active:
            return self._db.execute(sql, *args)
        return self._timings.timed(self.label(sql), self._db.execute)(sql, *args)

    def executemany(self, sql, *args):
        if not self.active:
            return self._db.executemany(sql, *args)
        return self._timings.timed(self.label(sql), self._db.executemany)(sql, *args)

    def __getattr__(self, name):
        return getattr(self._db, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--fill", type=int, default=0, help="fill a new store at --db to this many articles first (no judge)")
    parser.add_argument("--probe", type=int, default=500)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--cache-mib", type=int, default=DEFAULT_CACHE_MIB, help="the most the store's page cache takes")
    parser.add_argument("--no-warm", action="store_true", help="do not read the hot B-trees into the cache at open (as before session 8)")
    parser.add_argument("--show-slowest", type=int, default=0, help="print the biggest calls of this many slowest probes")
    args = parser.parse_args()

    engine = Engine(Settings(encoder=args.encoder))
    generator = Generator(real_articles(engine, args.data))
    if args.fill:  # a new store: the database and what lies beside it (WAL, ANN index, band index)
        for path in args.db.parent.glob(args.db.name + "*"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    if args.no_warm:
        SQLiteStore._warm = lambda self: None
    began = time.perf_counter()
    store = SQLiteStore(args.db, save_interval=1e9, cache_mib=args.cache_mib)
    print(f"opened in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    number = store.counts().articles
    if args.fill:
        filler = StoryClusterer(store, replace(ClusterSettings(), verify=None))
        while number < args.fill:
            filler.add([(generator.article(number + i), None) for i in range(64)])
            number += 64
    generator.rng.seed(number)
    began = time.perf_counter()
    store.nearest(generator.article(number).analysis.document_vector, 1)
    store.band_matches([1], 1)
    print(f"{store.counts().articles:,} stored; indexes loaded in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    clusterer = StoryClusterer(store)
    clusterer.add([(generator.article(number + i), None) for i in range(64)])
    number += 64

    timings = Timings()
    connection = TimedConnection(store.db, timings)
    store.db = connection
    for name in STORE_CALLS:
        setattr(store, name, timings.timed(name, getattr(store, name)))
    # Inside add, beside its SQL: the ANN and band indexes take the batch's articles.
    store._vectors.add = timings.timed("ANN index add", store._vectors.add)
    store._bands.add = timings.timed("band index add", store._bands.add)
    inner_add = store.add

    def add(batch):
        connection.active = True
        try:
            return inner_add(batch)
        finally:
            connection.active = False
    store.add = add

    totals, per_call = [], defaultdict(list)
    for _ in range(args.probe):
        timings.current.clear()
        item = (generator.article(number), None)
        number += 1
        began = time.perf_counter()
        clusterer.add([item])
        totals.append(time.perf_counter() - began)
        for label, seconds in timings.current.items():
            per_call[label].append((len(totals) - 1, seconds))
    totals_ms = np.array(totals) * 1000
    slow = set(np.argsort(totals_ms)[-max(1, len(totals_ms) // 10):].tolist())
    counts = store.counts()
    print(f"{counts.articles:,} stored, {counts.stories:,} stories: p50 {np.percentile(totals_ms, 50):.2f} ms, "
          f"p95 {np.percentile(totals_ms, 95):.2f} ms, mean {totals_ms.mean():.2f} ms ({len(totals)} probes)")
    rows = []
    for label, values in per_call.items():
        all_ms = sum(s for _, s in values) * 1000 / len(totals)
        slow_ms = sum(s for i, s in values if i in slow) * 1000 / len(slow)
        rows.append((all_ms, slow_ms, label))
    inside_add = ("sql", "ANN index add", "band index add")
    accounted = sum(r[0] for r in rows if not r[2].startswith(inside_add))
    print(f"{'call':<34} {'mean ms':>8} {'slowest 10% ms':>15}")
    for all_ms, slow_ms, label in sorted(rows, reverse=True)[: args.top]:
        print(f"{label:<34} {all_ms:>8.3f} {slow_ms:>15.3f}")
    slow_total = float(np.mean([totals_ms[i] for i in slow]))
    print(f"{'outside the store (clusterer)':<34} {totals_ms.mean() - accounted:>8.3f} "
          f"{slow_total - sum(r[1] for r in rows if not r[2].startswith(inside_add)):>15.3f}")
    for i in sorted(slow, key=lambda i: -totals_ms[i])[: args.show_slowest]:
        calls = sorted(((s * 1000, label) for label, values in per_call.items() for j, s in values if j == i), reverse=True)[:5]
        print(f"{totals_ms[i]:7.2f} ms: " + ", ".join(f"{label} {ms:.2f}" for ms, label in calls))
    store.close()


if __name__ == "__main__":
    main()
