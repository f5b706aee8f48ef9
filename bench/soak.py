"""Soak: ingest many articles end to end and watch the memory of the ingest over time.

    python bench/soak.py [--articles 100000] [--encoder use] [--workers 2] [--interval 10] [--db-dir /tmp]

What it does, exactly:

1. **Pages.** Real article texts (the SemEval-2022 texts in ``shared/data/semeval2022``,
   several languages) are split into sentences: the pool. Each generated page takes 3-6
   sentences of one pool article (its "event") and 1-3 of others, in a JSON Lines feed (title
   with the page's number, so every page is new, and a date advancing about 1,000 pages a day).
2. **Ingest.** ``marsad ingest FEED --db … --report …`` runs as a user runs it (``--workers``
   processes clean and analyse, the main process clusters and stores).
3. **Samples.** Every ``--interval`` seconds the resident memory (VmRSS) of the ingest and of each
   of its worker processes is read from ``/proc``, with the number of articles the report says
   are stored. The curve is printed as it goes (a table row per sample), then as JSON.

Memory should flatten once the caches are full (SQLite's page cache, the clusterer's kept
members, the band runs): the JSON says the peak of each third of the run.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import regex

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
_SENTENCE_END = regex.compile(r"(?<=[.!?؟。])\s+")


def sentence_pool(data: Path) -> list[list[str]]:
    """Sentences of each pool article (articles with at least four of 40-400 characters)."""
    import csv

    csv.field_size_limit(1 << 24)
    pool: list[list[str]] = []
    seen: set[str] = set()
    for name in ("hfl_texts_a.csv", "hfl_texts_b.csv"):
        path = data / "semeval2022" / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for side in ("1", "2"):
                    text = (row.get(f"text{side}") or "").strip()
                    if not text or text[:200] in seen:
                        continue
                    seen.add(text[:200])
                    sentences = [s.strip() for s in _SENTENCE_END.split(text) if 40 <= len(s.strip()) <= 400]
                    if len(sentences) >= 4:
                        pool.append(sentences)
    if not pool:
        raise SystemExit(f"no SemEval-2022 texts under {data / 'semeval2022'} (give --data)")
    return pool


def write_feed(path: Path, count: int, pool: list[list[str]], seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as feed:
        for number in range(count):
            event = pool[(number // 6 + rng.randrange(40)) % len(pool)]  # a few pages per event, events moving on
            start = rng.randrange(max(1, len(event) - 3))
            sentences = event[start : start + rng.randint(3, 6)]
            for _ in range(rng.randint(1, 3)):
                sentences.append(rng.choice(rng.choice(pool)))
            paragraphs = ["\n".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]
            day = 1 + number // 1000
            record = {"title": f"{event[0][:80]} ({number})", "text": "\n\n".join(paragraphs),
                      "date": f"2024-{1 + (day // 28) % 12:02d}-{1 + day % 28:02d}", "url": f"https://soak.example/{number}",
                      "outlet": f"outlet{number % 17}.example"}
            feed.write(json.dumps(record, ensure_ascii=False) + "\n")


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    return found + [grandchild for child in found for grandchild in children(child)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between memory samples")
    parser.add_argument("--db-dir", type=Path, default=Path("/tmp/marsad-soak"))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    args.db_dir.mkdir(parents=True, exist_ok=True)
    feed, db, report = args.db_dir / "feed.jsonl", args.db_dir / "soak.db", args.db_dir / "report.jsonl"
    for old in args.db_dir.glob("soak.db*"):
        if old.is_file():
            old.unlink()
        else:
            import shutil

            shutil.rmtree(old)
    report.unlink(missing_ok=True)
    started = time.monotonic()
    write_feed(feed, args.articles, sentence_pool(args.data))
    print(f"feed: {args.articles:,} pages, {feed.stat().st_size / 2**20:.0f} MiB, written in {time.monotonic() - started:.0f} s", flush=True)

    command = [sys.executable, "-m", "marsad", "ingest", str(feed), "--db", str(db), "--report", str(report),
               "--encoder", args.encoder, "--workers", str(args.workers), "--batch-size", str(args.batch_size)]
    # stderr goes to a file, not a pipe: 100k articles of progress lines would fill a pipe nobody reads
    # until the end, and the ingest would block on its next write.
    log = args.db_dir / "ingest.log"
    with open(log, "w", encoding="utf-8") as log_handle:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log_handle, text=True)
    started = time.monotonic()
    curve: list[dict] = []
    print(f"{'seconds':>8} {'articles':>9} {'art/s':>7} {'main MiB':>9} {'workers MiB':>12} {'total MiB':>10}", flush=True)
    stored, offset = 0, 0
    while True:
        finished = process.poll() is not None
        if report.exists():
            with open(report, "rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
            complete = chunk.rfind(b"\n") + 1
            stored += chunk[:complete].count(b"\n")
            offset += complete
        main_rss = rss_mib(process.pid)
        worker_rss = [rss_mib(child) for child in children(process.pid)]
        elapsed = time.monotonic() - started
        sample = {"seconds": round(elapsed, 1), "articles": stored, "main_mib": round(main_rss), "workers_mib": [round(r) for r in worker_rss],
                  "total_mib": round(main_rss + sum(worker_rss))}
        if not finished:
            curve.append(sample)
            print(f"{elapsed:8.0f} {stored:9,} {stored / elapsed if elapsed else 0:7.1f} {main_rss:9.0f} {sum(worker_rss):12.0f} {sample['total_mib']:10.0f}", flush=True)
        if finished:
            break
        time.sleep(args.interval)
    stderr = log.read_text(encoding="utf-8", errors="replace")
    elapsed = time.monotonic() - started
    thirds = [curve[i * len(curve) // 3 : (i + 1) * len(curve) // 3] for i in range(3)] if len(curve) >= 3 else [curve]
    summary = {
        "articles": args.articles, "stored": stored, "exit": process.returncode, "seconds": round(elapsed),
        "articles_per_second": round(stored / elapsed, 1) if elapsed else None, "encoder": args.encoder, "workers": args.workers,
        "peak_total_mib_by_third": [max((s["total_mib"] for s in third), default=None) for third in thirds],
        "peak_main_mib_by_third": [max((s["main_mib"] for s in third), default=None) for third in thirds],
        "last_line": stderr.strip().splitlines()[-1] if stderr.strip() else "", "curve": curve,
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
