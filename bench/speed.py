"""Throughput of cleaning and comparing, on the bundled sample pages.

    python bench/speed.py [--encoder e5|hashing] [--seconds 5]

Prints a table and one JSON line. Cleaning is measured on the text dumps (pages/s); comparison
with embeddings computed for every pair (analyse both articles, then judge) and with embeddings
cached (articles analysed once, then judged many times).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from importlib import resources
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the figures are quoted

from marsad.engine import Engine  # noqa: E402
from marsad.models import RawPage  # noqa: E402
from marsad.settings import Settings  # noqa: E402


def _rate(function, seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        function()
        count += 1
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="e5", choices=["e5", "hashing"])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    engine = Engine(Settings(encoder=args.encoder))
    folder = Path(str(resources.files("marsad").joinpath("samples")))
    pages = [RawPage(source=str(path), text=path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.txt"))]
    articles = [engine.clean_page(page) for page in pages]  # warms the gazetteer and language model
    analysed = [engine.analyse(article) for article in articles]

    page_index = iter(range(10**9))
    clean_rate = _rate(lambda: engine.clean_page(pages[next(page_index) % len(pages)]), args.seconds)
    pair_index = iter(range(10**9))

    def fresh_pair():
        k = next(pair_index)
        engine.compare(articles[k % 2], articles[(k + 1) % 3])

    def cached_pair():
        k = next(pair_index)
        engine.compare(analysed[k % 2], analysed[(k + 1) % 3])

    fresh_rate = _rate(fresh_pair, args.seconds)
    cached_rate = _rate(cached_pair, args.seconds)
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    print(f"encoder: {engine.analyser.encoder.name}   sample pages: {len(pages)} (mean {words:.0f} words)   OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}")
    print(f"{'clean (text dumps)':<34}{clean_rate:>10.1f} pages/s")
    print(f"{'compare, embeddings computed':<34}{fresh_rate:>10.1f} pairs/s")
    print(f"{'compare, embeddings cached':<34}{cached_rate:>10.1f} pairs/s")
    print(json.dumps({"encoder": engine.analyser.encoder.name, "clean_pages_per_s": round(clean_rate, 1), "compare_pairs_per_s": round(fresh_rate, 2), "compare_cached_pairs_per_s": round(cached_rate, 1)}))


if __name__ == "__main__":
    main()
