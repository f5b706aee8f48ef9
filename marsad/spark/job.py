"""The Spark job: ``clean``, ``dedupe`` or ``cluster`` a corpus into a folder of Parquet tables.

    OUTPUT/articles/    seq + the fields of ``marsad clean --json`` (same ids, same text)
    OUTPUT/errors/      inputs that could not be read: seq, kind, source, problem, hint
    OUTPUT/duplicates/  dedupe and cluster: id, group (id of the group's earliest article), size
    OUTPUT/pairs/       dedupe and cluster: the near-duplicate pairs (a, b, similarity, kind)
    OUTPUT/analyses/    cluster: id, the encoded analysis, the document vector (float32 bytes)
    OUTPUT/stories/     cluster: id, seq, story, copy_of, copy_kind, block

On a cluster: ``spark-submit … marsad/spark/submit.py clean INPUT OUTPUT`` (see the README); on
one machine: ``marsad spark clean INPUT OUTPUT --master local[2]``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from marsad.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class StageTimes:
    """Seconds per stage and rows written, as the job reports them."""

    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)  # wall-clock start and end of each stage

    def timed(self, name: str, action):
        began, wall = time.perf_counter(), time.time()
        result = action()
        self.seconds[name] = round(time.perf_counter() - began, 2)
        self.spans[name] = (wall, time.time())
        logger.info("%s: %.1f s", name, self.seconds[name])
        return result


def _join(output: str, table: str) -> str:
    return output.rstrip("/") + "/" + table


def is_job_output(path: str) -> bool:
    """Whether ``path`` is a folder an earlier job wrote (its articles are read instead of recleaned)."""
    return not ("://" in path) and (Path(path) / "articles" / "_SUCCESS").exists()


def load_or_clean(spark, inputs: Sequence[str], output: str, settings: Settings, times: StageTimes):
    """The articles DataFrame: read from an earlier job's output, or cleaned (and written) now."""
    from marsad.spark.clean import clean

    if len(inputs) == 1 and is_job_output(inputs[0]):
        articles = spark.read.parquet(_join(inputs[0], "articles"))
        if inputs[0].rstrip("/") != output.rstrip("/"):
            times.timed("write articles", lambda: articles.write.mode("overwrite").parquet(_join(output, "articles")))
        return spark.read.parquet(_join(output, "articles"))

    def clean_and_write() -> None:
        cleaned = clean(spark, inputs, settings)  # reads and cleans every page once (zipWithIndex counts them)
        cleaned.articles.orderBy("seq").write.mode("overwrite").parquet(_join(output, "articles"))
        cleaned.errors.orderBy("seq").write.mode("overwrite").parquet(_join(output, "errors"))

    times.timed("clean", clean_and_write)
    return spark.read.parquet(_join(output, "articles"))


def run_clean(spark, inputs: Sequence[str], output: str, settings: Settings | None = None, *, times: StageTimes | None = None) -> StageTimes:
    times = times or StageTimes()
    articles = load_or_clean(spark, inputs, output, settings or Settings(), times)
    times.rows["articles"] = articles.count()
    return times


def run_dedupe(spark, inputs: Sequence[str], output: str, settings: Settings | None = None, copies=None, *,
               times: StageTimes | None = None) -> StageTimes:
    from marsad.cluster import CopySettings
    from marsad.spark.dedupe import near_duplicates

    times = times or StageTimes()
    articles = load_or_clean(spark, inputs, output, settings or Settings(), times)
    found = near_duplicates(spark, articles, copies or CopySettings(), times=times)
    times.timed("write duplicates", lambda: found.groups.orderBy("group", "seq").write.mode("overwrite").parquet(_join(output, "duplicates")))
    found.pairs.orderBy("a", "b").write.mode("overwrite").parquet(_join(output, "pairs"))
    times.rows["articles"] = articles.count()
    times.rows["grouped articles"] = spark.read.parquet(_join(output, "duplicates")).count()
    times.rows["pairs"] = spark.read.parquet(_join(output, "pairs")).count()
    return times


def run_cluster(spark, inputs: Sequence[str], output: str, settings: Settings | None = None, *, cluster_settings=None,
                block_days: int | None = None, overlap_days: int | None = None, times: StageTimes | None = None) -> StageTimes:
    """Clean, dedupe, analyse and cluster: every table of the output folder."""
    from marsad.cluster import ClusterSettings
    from marsad.spark.dedupe import near_duplicates
    from marsad.spark.stories import Blocks, analyse, stories

    settings = settings or Settings()
    cluster_settings = cluster_settings or ClusterSettings()
    blocks = Blocks(block_days or cluster_settings.max_span_days or 30, cluster_settings.window_days if overlap_days is None else overlap_days)
    times = times or StageTimes()
    articles = load_or_clean(spark, inputs, output, settings, times)
    found = near_duplicates(spark, articles, cluster_settings.copies, times=times)
    found.groups.orderBy("group", "seq").write.mode("overwrite").parquet(_join(output, "duplicates"))
    found.pairs.orderBy("a", "b").write.mode("overwrite").parquet(_join(output, "pairs"))
    # Not ordered by a global sort: its sampling pass would run the encoder over everything twice.
    times.timed("analyse", lambda: analyse(spark, articles, settings).sortWithinPartitions("seq").write.mode("overwrite").parquet(_join(output, "analyses")))
    analyses = spark.read.parquet(_join(output, "analyses"))
    assigned = stories(spark, articles, analyses, blocks, cluster_settings, times=times)
    times.timed("write stories", lambda: assigned.orderBy("seq").write.mode("overwrite").parquet(_join(output, "stories")))
    written = spark.read.parquet(_join(output, "stories"))
    times.rows["articles"] = written.count()
    times.rows["stories"] = written.select("story").distinct().count()
    return times
