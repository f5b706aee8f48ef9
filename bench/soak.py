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
   are stored. The curve is printed as it goes (a table row per sample), then as JSON, and
   drawn as an SVG chart (``--svg``; ``--plot RUN.log`` draws an earlier run's).

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


def curve_svg(curve: list[dict], title: str) -> str:
    """The memory curve as a small SVG line chart: MiB of the main process, the workers and both, by articles stored."""
    width, height, left, bottom, top, right = 720, 360, 64, 40, 30, 150
    points = [sample for sample in curve if sample["articles"] > 0]
    if not points:
        return ""
    most_articles = max(sample["articles"] for sample in points)
    most_mib = max(sample["total_mib"] for sample in points) * 1.05
    def x(articles: float) -> float:
        return left + (width - left - right) * articles / most_articles
    def y(mib: float) -> float:
        return height - bottom - (height - bottom - top) * mib / most_mib
    series = [("total", "#222", lambda s: s["total_mib"]), ("workers", "#1f77b4", lambda s: sum(s["workers_mib"])), ("main", "#d62728", lambda s: s["main_mib"])]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<text x="{left}" y="18" font-size="14">{title}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#888"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#888"/>']
    for step in range(0, 6):
        mib, articles = most_mib * step / 5, most_articles * step / 5
        parts.append(f'<text x="{left - 6}" y="{y(mib) + 4:.0f}" text-anchor="end">{mib:,.0f}</text>')
        parts.append(f'<text x="{x(articles):.0f}" y="{height - bottom + 16}" text-anchor="middle">{articles:,.0f}</text>')
    parts.append(f'<text x="{(left + width - right) / 2:.0f}" y="{height - 6}" text-anchor="middle">articles stored</text>')
    parts.append(f'<text x="14" y="{(top + height - bottom) / 2:.0f}" transform="rotate(-90 14 {(top + height - bottom) / 2:.0f})" text-anchor="middle">resident memory, MiB</text>')
    labels = []
    for name, colour, value in series:
        line = " ".join(f"{x(s['articles']):.1f},{y(value(s)):.1f}" for s in points)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{line}"/>')
        labels.append([y(value(points[-1])) + 4, name, colour])
    labels.sort()
    for above, below in zip(labels, labels[1:]):  # lines ending close together: labels kept apart
        below[0] = max(below[0], above[0] + 14)
    parts.extend(f'<text x="{width - right + 10}" y="{at:.0f}" fill="{colour}">{name}</text>' for at, name, colour in labels)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between memory samples")
    parser.add_argument("--db-dir", type=Path, default=Path("/tmp/marsad-soak"))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--svg", type=Path, help="where to draw the curve (default: soak.svg in --db-dir)")
    parser.add_argument("--plot", type=Path, help="only draw the curve of an earlier run's printed JSON (its last line) and stop")
    args = parser.parse_args()
    if args.plot:
        summary = json.loads(args.plot.read_text(encoding="utf-8").strip().splitlines()[-1])
        svg = args.svg or args.plot.with_suffix(".svg")
        svg.write_text(curve_svg(summary["curve"], f"marsad ingest, {summary['stored']:,} articles: memory every 10 s"), encoding="utf-8")
        print(f"drew {svg}")
        return

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
    svg = args.svg or args.db_dir / "soak.svg"
    svg.write_text(curve_svg(curve, f"marsad ingest, {stored:,} articles: memory every {args.interval:g} s"), encoding="utf-8")
    print(f"curve drawn in {svg}", file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
