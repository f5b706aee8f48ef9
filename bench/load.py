"""Load test of the story view: `marsad serve` on 127.0.0.1 over a store of 10,000 articles.

    python bench/load.py [--articles 10000] [--seconds 20] [--concurrency 8] [--encoder hashing]

1. Fills a store (in a temporary folder, or --db) with ``--articles`` articles made by recombining
   the sentences of the bundled sample pages and tests/data/serve/pages.json into events: each
   event has a few reports that share its sentences, from different outlets and dates, some with
   wire copies. They go through the real pipeline (analyse, cluster, store) via Engine.ingest_items.
2. Starts ``marsad serve --db … --host 127.0.0.1`` in a subprocess and waits for /api/health.
3. Requests ``/story/<id>`` for a seeded sample of ``--stories`` stories, round robin, from
   ``--concurrency`` clients for ``--seconds`` seconds (bounded); then the largest story alone for
   half as long. Prints requests/s and p50/p95 latency of both as a table and as one JSON line.

The encoder only changes how long step 1 takes (hashing: about a minute for 10,000 articles;
use: several minutes); the story view reads cached analyses and never runs the encoder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import httpx2

from marsad.engine import Engine, IngestProgress
from marsad.models import Article
from marsad.settings import ENCODERS, Settings
from marsad.store import StoryQuery, open_store

ROOT = Path(__file__).resolve().parent.parent
OUTLETS = ["aljazeera.net", "asharq.com", "reuters.com", "bbc.com", "alarabiya.net", "france24.com", "dw.com", "skynewsarabia.com", "independentarabia.com", "rt.com"]


def sample_sentences(engine: Engine) -> list[str]:
    """Sentences of the bundled samples and the test pages: the material events are made of."""
    folder = Path(str(resources.files("marsad").joinpath("samples")))
    articles = [item for item in engine.clean_paths(sorted(folder.glob("*.txt"))) if isinstance(item, Article)]
    pages = json.loads((ROOT / "tests" / "data" / "serve" / "pages.json").read_text())["pages"]
    paragraphs = [p for a in articles for p in a.paragraphs] + [p for page in pages[:3] for p in page["text"].split("\n\n")]
    sentences = [s.strip() + "." for p in paragraphs for s in p.replace("؟", ".").split(".") if len(s.split()) >= 6]
    return sentences


def make_articles(count: int, sentences: list[str], seed: int = 7) -> list[Article]:
    """``count`` articles in events of 2–8 reports; reports of one event share most of their sentences."""
    rng = random.Random(seed)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    articles: list[Article] = []
    event = 0
    while len(articles) < count:
        event += 1
        # Each event has its own names (made-up words) woven into its sentences, so events differ
        # as real ones do, while the reports of one event share them.
        names = ["".join(rng.choices(letters, k=rng.randrange(4, 8))) for _ in range(12)]

        def retell(sentence: str) -> str:
            words = sentence.split()
            for position in rng.sample(range(len(words)), len(words) // 2):
                words[position] = rng.choice(names)
            return " ".join(words)

        core = [retell(sentence) for sentence in rng.sample(sentences, 6)]
        tag = f"الحدث رقم {event} في المدينة {rng.randrange(1000, 9999)}"
        day = f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        for report in range(min(rng.randrange(2, 9), count - len(articles))):
            own = rng.sample(core, 4) + [retell(sentence) for sentence in rng.sample(sentences, 2)]
            rng.shuffle(own)
            outlet = rng.choice(OUTLETS)
            paragraphs = tuple(f"{own[i]} {own[i + 1]}" for i in range(0, len(own), 2)) + (f"{tag}، بحسب مراسل {outlet} ({report}).",)
            if articles and report > 0 and rng.random() < 0.15:
                # a wire copy of the previous report: the same text and a source line
                previous = articles[-1]
                paragraphs = previous.paragraphs + (f"المصدر: {outlet}",)
            articles.append(Article(source=f"generated:{event}:{report}", title=f"{core[0][:60]} ({tag})", paragraphs=paragraphs, published=day, language="ar", url=f"https://{outlet}/{event}/{report}", outlet=outlet))
    return articles


def fill(db: Path, count: int, encoder: str) -> dict:
    engine = Engine(Settings(encoder=encoder))
    articles = make_articles(count, sample_sentences(engine))
    store = open_store(db)
    started = time.perf_counter()
    last = [0.0]

    def report(progress: IngestProgress) -> None:
        if sys.stderr.isatty() and time.perf_counter() - last[0] > 2:
            last[0] = time.perf_counter()
            print(f"\r  stored {progress.stored:,}/{count:,}", end="", file=sys.stderr, flush=True)

    progress = engine.ingest_items(articles, store, batch_size=64, on_batch=report)
    seconds = time.perf_counter() - started
    counts = store.counts()
    store.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return {"stored": progress.stored, "copies": counts.copies, "stories": counts.stories, "fill_seconds": round(seconds, 1)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def drive(base: str, paths: list[str], seconds: float, concurrency: int) -> tuple[list[float], int, int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker(offset: int) -> None:
            nonlocal errors
            index = offset
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                response = await client.get(paths[index % len(paths)])
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200:
                    errors += 1
                index += concurrency

        await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return latencies, errors, len(latencies)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to drive the story view (bounded)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--encoder", choices=ENCODERS, default="hashing")
    parser.add_argument("--db", type=Path, help="keep the store here (reused when it exists); a temporary file otherwise")
    parser.add_argument("--stories", type=int, default=50, help="how many stories (a seeded sample) to request in turn")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="marsad-load-") as folder:
        db = args.db or Path(folder) / "load.db"
        filled = {"reused": str(db)} if db.exists() else fill(db, args.articles, args.encoder)
        store = open_store(db, read_only=True)
        counts = store.counts()
        listed = [story for offset in range(0, counts.stories, 200) for story in store.stories(StoryQuery(limit=200, offset=offset)).items]
        store.close()
        # A seeded sample of all stories (what readers open), and the largest story on its own (the worst case).
        targets = random.Random(1).sample(listed, min(args.stories, len(listed)))
        largest = max(listed, key=lambda story: story.articles)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(Path(folder) / "server.log", "w+")
        server = subprocess.Popen([sys.executable, "-m", "marsad", "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port), "--encoder", args.encoder], stderr=log, text=True)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    health = httpx2.get(base + "/api/health", timeout=5)
                    if health.status_code == 200:
                        break
                    raise SystemExit(f"the server is not healthy: {health.status_code} {health.text[:300]}")
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    log.seek(0)
                    raise SystemExit(f"the server did not start: {log.read()[-2000:]}")
                time.sleep(0.2)
            paths = [f"/story/{story.id}" for story in targets]
            asyncio.run(drive(base, paths[:2], 2.0, 2))  # warm up
            runs = {
                "sampled": asyncio.run(drive(base, paths, args.seconds, args.concurrency)),
                "largest": asyncio.run(drive(base, [f"/story/{largest.id}"], args.seconds / 2, args.concurrency)),
            }
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()

    sizes = [story.articles for story in targets]
    result = {
        "articles": counts.articles,
        "stories": counts.stories,
        "copies": counts.copies,
        **filled,
        "encoder": args.encoder,
        "view": "/story/<id>",
        "concurrency": args.concurrency,
        "sampled_stories": len(targets),
        "sampled_articles_per_story_mean": round(statistics.mean(sizes), 1),
        "sampled_articles_per_story_max": max(sizes),
        "largest_story_articles": largest.articles,
    }
    for name, (latencies, errors, requests) in runs.items():
        seconds = args.seconds if name == "sampled" else args.seconds / 2
        result.update({
            f"{name}_seconds": seconds,
            f"{name}_requests": requests,
            f"{name}_errors": errors,
            f"{name}_requests_per_second": round(requests / seconds, 1),
            f"{name}_p50_ms": round(percentile(latencies, 50) * 1000, 1),
            f"{name}_p95_ms": round(percentile(latencies, 95) * 1000, 1),
        })
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
