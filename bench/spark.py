"""Spark: articles/s of the Spark job at local[1] and local[2], per stage, against the local path on the same corpus.

    python bench/spark.py [--sizes 10000 100000] [--masters local[1] local[2]] [--stages clean dedupe cluster]

What it does, exactly:

1. **Corpus.** ``--sizes`` articles made as ``bench/scale.py`` makes them (real sentences of
   WikiRef220 and SemEval-2022 recombined, one event reported over about six days, about 1,000
   articles a day), written as JSON Lines records (title, paragraphs, date, outlet) in files of
   500. Each of 12 outlets ends its articles with its own slogan line (so outlet templates are
   learned and stripped), and one record in 20 is a near-duplicate of a recent one (a
   paragraph cut, a sentence added, a new headline, another outlet).
2. **Local path.** ``Engine.clean_paths`` (what ``marsad clean --json`` runs) and
   :func:`marsad.cluster.groups.near_duplicate_groups`, in this process: the baseline.
3. **Spark.** For each ``--masters``: a fresh session, ``clean`` and ``dedupe`` (and ``cluster``
   when asked: analysis with the real encoder, then blocks), each stage timed, and the shuffle
   bytes each stage wrote (from Spark's event log). The articles and groups are compared with
   the local path's, field by field.
4. **Stories** (``cluster``): the streaming clusterer (``marsad ingest``'s: batches of 32, in
   input order) over the same analyses as the Spark job, and the pairwise agreement of the two
   assignments (:mod:`marsad.spark.agreement`).

Prints a table per size and one JSON line with everything. The machine is shared: the local
baseline runs in the same invocation, so compare within a run.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_quality import DEFAULT_DATA
from scale import Generator, real_articles

from marsad.cluster import ClusterSettings, StoryClusterer
from marsad.cluster.groups import near_duplicate_groups
from marsad.engine import Engine
from marsad.models import Analysed, Article
from marsad.settings import Settings

OUTLETS = 12
FILE_RECORDS = 500


def slogan(outlet: int) -> str:
    return f"Read more from outlet {outlet} news desk every day on our site and apps"


def build_corpus(generator: Generator, size: int, folder: Path, seed: int = 0) -> None:
    rng = random.Random(seed)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    records: list[dict] = []
    number = 0
    while len(records) < size:
        if len(records) > 50 and rng.random() < 0.05:
            original = records[rng.randrange(max(0, len(records) - 200), len(records))]
            body = list(original["text"][:-1])
            if len(body) > 3:
                body.pop(rng.randrange(1, len(body) - 1))
            outlet = rng.randrange(OUTLETS)
            records.append(dict(original, title="Update: " + original["title"], text=body + ["A sentence the copy added at its end.", slogan(outlet)],
                                outlet=f"outlet-{outlet}"))
            continue
        article = generator.article(number).article
        number += 1
        outlet = number % OUTLETS
        records.append({"title": article.title, "text": list(article.paragraphs) + [slogan(outlet)], "date": article.published, "outlet": f"outlet-{outlet}"})
    for start in range(0, size, FILE_RECORDS):
        lines = [json.dumps(record, ensure_ascii=False) for record in records[start : start + FILE_RECORDS]]
        (folder / f"part-{start // FILE_RECORDS:05d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def shuffle_bytes(log_dir: Path, spans: dict[str, tuple[float, float]]) -> dict[str, int]:
    """Shuffle bytes written by the tasks that finished within each stage's span (Spark's event log)."""
    written = {name: 0 for name in spans}
    for path in sorted(glob.glob(str(log_dir / "**" / "*"), recursive=True)):
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as log:
            for line in log:
                if '"SparkListenerTaskEnd"' not in line:
                    continue
                event = json.loads(line)
                finish = event["Task Info"]["Finish Time"] / 1000
                metrics = event.get("Task Metrics") or {}
                value = (metrics.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0)
                for name, (began, ended) in spans.items():
                    if began <= finish <= ended:
                        written[name] += value
    return written


def run_spark(master: str, corpus: Path, work: Path, stages: list[str], settings: Settings, blocks: tuple[int | None, int | None] = (None, None)) -> dict:
    from marsad.spark import job
    from marsad.spark.session import spark_session

    log_dir = work / f"events-{master.replace('[', '').replace(']', '')}"
    shutil.rmtree(log_dir, ignore_errors=True)
    log_dir.mkdir(parents=True)
    began = time.perf_counter()
    session = spark_session(master, app_name=f"bench-{master}", config={"spark.eventLog.enabled": "true", "spark.eventLog.dir": str(log_dir), "spark.eventLog.compress": "false"})
    started = time.perf_counter() - began
    output = str(work / f"out-{master.replace('[', '').replace(']', '')}")
    times = job.StageTimes()
    began = time.perf_counter()
    if "cluster" in stages:
        job.run_cluster(session, [str(corpus)], output, settings, times=times, block_days=blocks[0], overlap_days=blocks[1])
    elif "dedupe" in stages:
        job.run_dedupe(session, [str(corpus)], output, settings, times=times)
    else:
        job.run_clean(session, [str(corpus)], output, settings, times=times)
    total = time.perf_counter() - began
    articles = [row.asDict() for row in session.read.parquet(f"{output}/articles").orderBy("seq").collect()]
    groups = {}
    if "dedupe" in stages or "cluster" in stages:
        groups = {row["id"]: row["group"] for row in session.read.parquet(f"{output}/duplicates").collect()}
    stories = {}
    if "cluster" in stages:
        stories = {row["id"]: row["story"] for row in session.read.parquet(f"{output}/stories").collect()}
    session.stop()
    shuffles = shuffle_bytes(log_dir, times.spans)
    return {"master": master, "session_start_s": round(started, 1), "job_s": round(total, 1), "stages_s": times.seconds,
            "shuffle_bytes": shuffles, "articles": articles, "groups": groups, "stories": stories, "output": output}


def streaming_stories(output: str, settings: ClusterSettings) -> tuple[dict[str, str], float]:
    """The stories ``marsad ingest`` gives the Spark job's analyses, in input order, batches of 32; and its seconds."""
    import pyarrow.parquet as pq

    from marsad.spark.clean import article_from_row
    from marsad.store import open_store
    from marsad.store.codec import decode_analysis

    rows = {row["id"]: row for row in pq.read_table(f"{output}/articles").to_pylist()}
    analyses = sorted(pq.read_table(f"{output}/analyses").to_pylist(), key=lambda row: row["seq"])
    items = [(Analysed(article_from_row(rows[a["id"]]), decode_analysis(a["analysis"])), rows[a["id"]]["outlet"]) for a in analyses]
    store = open_store(":memory:")
    clusterer = StoryClusterer(store, settings)
    began = time.perf_counter()
    for start in range(0, len(items), 32):
        clusterer.add(items[start : start + 32])
    seconds = time.perf_counter() - began
    stories = store.story_of([item.article.id for item, _ in items])
    store.close()
    return stories, seconds


def recluster(output: str, master: str, blocks: tuple[int | None, int | None]) -> dict:
    """Only the block and stitch stages again, over the articles and analyses of an earlier ``cluster`` run (``--reuse``)."""
    from marsad.spark.agreement import pair_agreement
    from marsad.spark.job import StageTimes
    from marsad.spark.session import spark_session
    from marsad.spark.stories import Blocks, stories

    settings = ClusterSettings()
    session = spark_session(master, app_name="bench-recluster")
    times = StageTimes()
    chosen = Blocks(blocks[0] or settings.max_span_days or 30, settings.window_days if blocks[1] is None else blocks[1])
    assigned = stories(session, session.read.parquet(f"{output}/articles"), session.read.parquet(f"{output}/analyses"), chosen, settings, times=times)
    batch = {row["id"]: row["story"] for row in assigned.collect()}
    session.stop()
    streaming, seconds = streaming_stories(output, settings)
    return {"output": output, "master": master, "block_days": chosen.days, "overlap_days": chosen.overlap, "stages_s": times.seconds,
            "streaming_cluster_s": round(seconds, 1), "story_agreement": pair_agreement(streaming, batch).as_dict(),
            "stories": {"batch": len(set(batch.values())), "streaming": len(set(streaming.values()))}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--masters", nargs="+", default=["local[1]", "local[2]"])
    parser.add_argument("--stages", nargs="+", default=["clean", "dedupe"], choices=["clean", "dedupe", "cluster"])
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--block-days", type=int, default=None, help="cluster: days a block owns (the corpus has about 1,000 articles a day)")
    parser.add_argument("--overlap-days", type=int, default=None, help="cluster: days of lead-in from the block before")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--reuse", help="an earlier cluster run's output folder: run only its blocks and stitch again (at the first --masters)")
    parser.add_argument("--skip-local", action="store_true", help="no local baseline (nor equality check): Spark timings only")
    parser.add_argument("--work", type=Path, default=Path("/tmp/marsad-spark-bench"))
    args = parser.parse_args()

    if args.reuse:
        print(json.dumps(recluster(args.reuse, args.masters[0], (args.block_days, args.overlap_days))))
        return
    settings = Settings(encoder=args.encoder)
    engine = Engine(settings)
    generator = Generator(real_articles(engine, args.data))
    results = []
    for size in args.sizes:
        corpus = args.work / f"corpus-{size}"
        build_corpus(generator, size, corpus)
        began = time.perf_counter()
        items = [] if args.skip_local else list(Engine(settings).clean_paths([corpus]))
        local_clean = time.perf_counter() - began
        local_articles = [(n, item) for n, item in enumerate(items) if isinstance(item, Article)]
        began = time.perf_counter()
        local_groups = near_duplicate_groups(local_articles).group
        local_dedupe = time.perf_counter() - began
        print(f"{size:,}: local clean {local_clean:.1f} s ({size / local_clean:.0f}/s), dedupe {local_dedupe:.1f} s; "
              f"{len(local_groups):,} articles in {len(set(local_groups.values())):,} groups", file=sys.stderr, flush=True)
        expected = [{"seq": n, **item.as_dict()} for n, item in local_articles]
        row = {"size": size, "local": {"clean_s": round(local_clean, 1), "dedupe_s": round(local_dedupe, 2),
                                       "grouped": len(local_groups), "groups": len(set(local_groups.values()))}, "spark": []}
        for master in args.masters:
            result = run_spark(master, corpus, args.work, args.stages, settings, (args.block_days, args.overlap_days))
            same_articles = None if args.skip_local else result.pop("articles") == expected
            result.pop("articles", None)
            groups = result.pop("groups")
            stories = result.pop("stories")
            result["same_articles"] = same_articles
            result["articles_per_s"] = round(size / result["job_s"], 1)
            if ("dedupe" in args.stages or "cluster" in args.stages) and not args.skip_local:
                result["same_groups"] = groups == local_groups
            if stories:
                from marsad.spark.agreement import pair_agreement

                streaming, seconds = streaming_stories(result["output"], ClusterSettings())
                result["streaming_cluster_s"] = round(seconds, 1)
                result["story_agreement"] = pair_agreement(streaming, stories).as_dict()
                result["stories"] = {"batch": len(set(stories.values())), "streaming": len(set(streaming.values()))}
            print(json.dumps(result), file=sys.stderr, flush=True)
            row["spark"].append(result)
        results.append(row)
    print(f"{'size':>8} {'master':>9} {'job s':>7} {'art/s':>7} {'same text':>9} {'same groups':>11}  stages (s)")
    for row in results:
        if args.skip_local:
            row["local"] = {"clean_s": float("nan"), "dedupe_s": float("nan")}
        print(f"{row['size']:>8,} {'local':>9} {row['local']['clean_s'] + row['local']['dedupe_s']:>7.1f} "
              f"{row['size'] / (row['local']['clean_s'] + row['local']['dedupe_s']):>7.1f} {'':>9} {'':>11}  clean {row['local']['clean_s']}, dedupe {row['local']['dedupe_s']}")
        for result in row["spark"]:
            print(f"{row['size']:>8,} {result['master']:>9} {result['job_s']:>7.1f} {result['articles_per_s']:>7.1f} {result['same_articles']!s:>9} "
                  f"{result.get('same_groups', '')!s:>11}  " + ", ".join(f"{k} {v}" for k, v in result["stages_s"].items()))
        by_master = {r["master"]: r["articles_per_s"] for r in row["spark"]}
        if len(by_master) > 1:
            base = by_master.get("local[1]") or next(iter(by_master.values()))
            print("  scaling: " + ", ".join(f"{m} {v / base:.2f}×" for m, v in by_master.items()))
    print(json.dumps({"sizes": args.sizes, "stages": args.stages, "encoder": args.encoder, "block_days": args.block_days,
                      "overlap_days": args.overlap_days, "cpus": os.cpu_count(), "results": results}))


if __name__ == "__main__":
    main()
