"""Stories in batch: analyse in ``mapPartitions``, cluster time blocks in parallel, join stories across block edges.

    articles ─▶ mapPartitions(Analyser.analyse_many, 32 at a time) ─▶ analyses (encoded bytes + vector)
             ─▶ blocks of ``block_days`` by date, each led in by the last ``overlap_days`` of the block before
             ─▶ per block, in input order: StoryClusterer on an in-memory store (the streaming clusterer itself)
             ─▶ a lead-in article's story here = its story in the block before ─▶ connected components
             ─▶ every article's story, named by the story it had in the earliest block of its chain

Each block is clustered by the same code, settings and pair judge as ``marsad ingest``, with the
articles in the same order; a block only lacks what came before its lead-in. That is where the
batch result can differ from the streaming one:

* a story running longer than the lead-in is continued only through articles inside the
  overlap: one that goes quiet for more than ``overlap_days`` and resumes in the next block is
  two stories in batch, one in streaming (within ``max_span_days`` of its first report);
* a lead-in article is placed without its own earlier context, so the block can put it in
  another story than the block before did; a story continues across the edge only as the
  mutual best match of one story on each side (by shared lead-in articles), so a block story
  that gathered lead-in articles of several earlier stories continues one of them, and the
  others end at the edge where the stream might have merged them;
* entity rarity (IDF) is counted over the block, not over everything stored before;
* a copy whose original lies before the block's lead-in is not marked a copy (the near-duplicate
  groups, computed over the whole corpus, still hold it);
* undated articles form one block of their own, in input order.

``bench/spark.py`` measures the agreement with the streaming clusterer (pairwise, both directions).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from marsad.cluster import ClusterSettings
from marsad.errors import ConfigError
from marsad.settings import Settings
from marsad.spark.executor import engine_for

ANALYSE_BATCH = 32  # articles per encoder call, as Engine.ingest batches them
CLUSTER_BATCH = 32  # articles per clusterer batch, as Engine.ingest
UNDATED = -1
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Blocks:
    """How articles are cut into time blocks.

    Args:
        days: days of articles a block owns.
        overlap: days before its start a block reads first (owned by the block before), so
            stories running across the edge continue; at least the clusterer's ``window_days``.
    """

    days: int = 30
    overlap: int = 7

    def __post_init__(self) -> None:
        if self.days < 1 or not 0 <= self.overlap < self.days:
            raise ConfigError(f"blocks of {self.days} days cannot have {self.overlap} days of overlap (0 ≤ overlap < days)")

    def of(self, published: str | None) -> list[tuple[int, bool]]:
        """(block, owned) for an article: its own block, and the next one when it lies in that block's lead-in."""
        day = _day_number(published)
        if day is None:
            return [(UNDATED, True)]
        block = day // self.days
        places = [(block, True)]
        if self.overlap and day >= (block + 1) * self.days - self.overlap:
            places.append((block + 1, False))
        return places


def _day_number(published: str | None) -> int | None:
    try:
        return (date.fromisoformat(published[:10]) - _EPOCH).days if published else None
    except ValueError:
        return None


def analysis_schema():
    from pyspark.sql.types import (
        BinaryType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    return StructType([StructField("id", StringType(), False), StructField("seq", LongType(), False), StructField("published", StringType()),
                       StructField("outlet", StringType()), StructField("analysis", BinaryType(), False),
                       StructField("document_vector", BinaryType(), False)])


def _analyse(settings: Settings):
    def run(rows: Iterable) -> Iterator[tuple]:
        from marsad.spark.clean import article_from_row
        from marsad.store.codec import encode_analysis, encode_vector

        analyser = engine_for(settings).analyser
        batch: list = []

        def flush():
            analysed = analyser.analyse_many([article for _, article in batch])
            out = [(item.article.id, seq, item.article.published, item.article.outlet, encode_analysis(item.analysis),
                    encode_vector(item.analysis.document_vector)) for (seq, _), item in zip(batch, analysed)]
            batch.clear()
            return out

        for row in rows:
            batch.append((row["seq"], article_from_row(row)))
            if len(batch) >= ANALYSE_BATCH:
                yield from flush()
        if batch:
            yield from flush()
    return run


def analyse(spark, articles, settings: Settings):
    """The analysis of each distinct article (its first position): encoded bytes and the document vector as float32 bytes."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    first = (articles.withColumn("rank", F.row_number().over(Window.partitionBy("id").orderBy("seq"))).filter("rank = 1").drop("rank")
             .repartition(int(spark.conf.get("spark.sql.shuffle.partitions"))))
    return spark.createDataFrame(first.rdd.mapPartitions(_analyse(settings)), analysis_schema())


def _cluster_blocks(settings: ClusterSettings):
    """Cluster each block of a partition (rows sorted by (block, seq)) with the streaming clusterer."""

    def run(rows: Iterable) -> Iterator[tuple]:
        from marsad.cluster import StoryClusterer
        from marsad.models import Analysed
        from marsad.spark.clean import article_from_row
        from marsad.store import open_store
        from marsad.store.codec import decode_analysis

        block, store, clusterer, batch, members = None, None, None, [], []

        def flush():
            if batch:
                assignments = clusterer.add([item for _, _, item in batch])
                for (owned, seq, _), assignment in zip(batch, assignments):
                    members.append((assignment.article_id, seq, owned, assignment.copy_of, assignment.copy_kind))
                batch.clear()

        def finish():
            flush()
            if store is None:
                return []
            stories = store.story_of([article_id for article_id, *_ in members])
            out = [(block, article_id, seq, owned, stories[article_id], copy_of, kind) for article_id, seq, owned, copy_of, kind in members]
            members.clear()
            store.close()
            return out

        for (row_block, _), (owned, row) in rows:
            if row_block != block:
                yield from finish()
                block, store = row_block, open_store(":memory:")
                clusterer = StoryClusterer(store, settings)
            article = article_from_row(row)
            batch.append((owned, row["seq"], (Analysed(article, decode_analysis(bytes(row["analysis"]))), row["outlet"])))
            if len(batch) >= CLUSTER_BATCH:
                flush()
        yield from finish()
    return run


def block_stories(spark, articles, analyses, blocks: Blocks, settings: ClusterSettings, partitions: int):
    """(block, id, seq, owned, story, copy_of, copy_kind): each block clustered on its own, in parallel."""
    import zlib

    from pyspark.sql.types import (
        BooleanType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    joined = analyses.select("id", "seq", "analysis").join(articles, ["id", "seq"])
    placed = (joined.rdd.flatMap(lambda row: [((block, row["seq"]), (owned, row)) for block, owned in blocks.of(row["published"])])
              .repartitionAndSortWithinPartitions(partitions, lambda key: zlib.crc32(str(key[0]).encode())))
    schema = StructType([StructField("block", LongType(), False), StructField("id", StringType(), False), StructField("seq", LongType(), False),
                         StructField("owned", BooleanType(), False), StructField("story", StringType(), False),
                         StructField("copy_of", StringType()), StructField("copy_kind", StringType())])
    return spark.createDataFrame(placed.mapPartitions(_cluster_blocks(settings)), schema)


def stitch(per_block):
    """Every owned article's final story: each block's stories continued from the block before.

    A story of block k continues the story of block k−1 that most of its lead-in articles came
    from, when that story's lead-in articles also went mostly to it (a mutual best match, by
    shared articles; ties to the smaller id). Joining every pair of stories that share a lead-in
    article instead chains stories across blocks into one: on 10,000 generated articles in 3-day
    blocks that made one story of most of them (pairwise agreement with the stream 0.42).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from marsad.spark.dedupe import connected_components

    # A node is a block's story, spelled so that the smallest node of a chain is its earliest block's story.
    node = F.concat(F.lpad(F.col("block").cast("string"), 12, "0"), F.lit(":"), F.col("story"))
    owned = per_block.where("owned").withColumn("node", node)
    lead = per_block.where("not owned").withColumn("node", node)
    shared = (owned.select("id", F.col("node").alias("x")).join(lead.select("id", F.col("node").alias("y")), "id")
              .groupBy("x", "y").agg(F.count("*").alias("shared")))
    best_of_y = F.row_number().over(Window.partitionBy("y").orderBy(F.desc("shared"), "x"))
    best_of_x = F.row_number().over(Window.partitionBy("x").orderBy(F.desc("shared"), "y"))
    edges = shared.withColumn("rank_y", best_of_y).withColumn("rank_x", best_of_x).where("rank_x = 1 and rank_y = 1").select("x", "y")
    labels, _ = connected_components(edges)
    named = (owned.join(labels.withColumnRenamed("vertex", "node"), "node", "left")
             .withColumn("chain", F.coalesce(F.col("label"), F.col("node")))
             .withColumn("name", F.regexp_extract("chain", r"^[^:]*:(.*)$", 1)))
    # Two chains can carry one name: a lead-in article that began a story in the block before
    # and, not continued, begins another in its next block. The later chain is told apart.
    clashes = named.groupBy("name").agg(F.min("chain").alias("first_chain"))
    story = F.when(F.col("chain") == F.col("first_chain"), F.col("name")).otherwise(
        F.concat(F.col("name"), F.lit("-b"), F.regexp_extract("chain", r"^0*(-?\d+):", 1)))
    return named.join(clashes, "name").select("id", "seq", story.alias("story"), "copy_of", "copy_kind", "block")


def stories(spark, articles, analyses, blocks: Blocks | None = None, settings: ClusterSettings | None = None, *, times=None):
    """The story of every distinct article: id, seq, story, copy_of, copy_kind, block."""
    settings = settings or ClusterSettings()
    blocks = blocks or Blocks(settings.max_span_days or 30, settings.window_days)
    partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
    timed = times.timed if times is not None else (lambda name, action: action())
    per_block = timed("cluster blocks", lambda: block_stories(spark, articles, analyses, blocks, settings, partitions).localCheckpoint())
    return timed("stitch", lambda: stitch(per_block).localCheckpoint())
