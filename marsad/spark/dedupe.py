"""Near-duplicates at scale: MinHash signatures in ``mapPartitions``, banded LSH as a join, groups as connected components.

    articles ─▶ mapPartitions(CopyFinder.fingerprint) ─▶ explode band keys ─▶ self-join on key
             ─▶ candidate pairs ─▶ Jaccard estimate from the signatures (in SQL) ≥ near_duplicate
             ─▶ connected components by iterative joins (min-label propagation + pointer jumping)

Every step runs on the executors; the driver only counts the labels that changed in each round.
The signatures are the local path's (:class:`~marsad.cluster.copies.CopyFinder`, one per executor:
the same shingles, permutations and band hashes; text-dedup's Spark port drifted from its local
one by hashing differently, issues #71 and #88), the pairs and thresholds are the same, and the
components are named by their earliest article, so the groups equal
:func:`marsad.cluster.groups.near_duplicate_groups` on the same input.

Signatures and band keys travel as ``array<bigint>`` columns (Arrow arrays in Parquet), never as
pickled Python lists after the fingerprint step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from marsad.cluster import CopySettings
from marsad.spark.executor import copy_finder_for

MAX_ROUNDS = 64  # connected-component rounds; pointer jumping needs about log2(diameter) + 2


@dataclass(frozen=True)
class NearDuplicates:
    """DataFrames: ``groups`` (id, seq, group, size) and ``pairs`` (a, b, similarity, kind)."""

    groups: object
    pairs: object
    rounds: int = 0


def _fingerprint(settings: CopySettings):
    def run(rows: Iterable) -> Iterator[tuple]:
        finder = copy_finder_for(settings)
        for row in rows:
            fingerprint = finder.fingerprint("\n\n".join(row["paragraphs"] or ()))
            if fingerprint.signature is not None:
                yield row["id"], row["seq"], fingerprint.signature.astype("int64").tolist(), list(fingerprint.bands)
    return run


def fingerprints(spark, articles, settings: CopySettings):
    """id, seq, signature and band keys of each distinct article (its first position) with enough words."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import (
        ArrayType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    first = (articles.select("id", "seq", "paragraphs")
             .withColumn("rank", F.row_number().over(Window.partitionBy("id").orderBy("seq")))
             .filter("rank = 1").drop("rank"))
    schema = StructType([StructField("id", StringType(), False), StructField("seq", LongType(), False),
                         StructField("signature", ArrayType(LongType()), False), StructField("bands", ArrayType(LongType()), False)])
    return spark.createDataFrame(first.rdd.mapPartitions(_fingerprint(settings)), schema)


def candidate_pairs(prints):
    """Distinct (x, y) seq pairs sharing a band key, x < y: the LSH join."""
    from pyspark.sql import functions as F

    keys = prints.select("seq", F.explode("bands").alias("band"))
    return (keys.alias("x").join(keys.alias("y"), on="band")
            .where(F.col("x.seq") < F.col("y.seq"))
            .select(F.col("x.seq").alias("x"), F.col("y.seq").alias("y")).distinct())


def matching_pairs(prints, candidates, settings: CopySettings):
    """Candidate pairs whose signatures agree on at least ``near_duplicate`` of their values, with their kind."""
    from pyspark.sql import functions as F

    left = prints.select(F.col("seq").alias("x"), F.col("id").alias("x_id"), F.col("signature").alias("x_sig"))
    right = prints.select(F.col("seq").alias("y"), F.col("id").alias("y_id"), F.col("signature").alias("y_sig"))
    # The same estimate as CopyFinder.similarity: equal values over num_perm (exact in a double).
    agreeing = F.expr("size(filter(zip_with(x_sig, y_sig, (p, q) -> p = q), same -> same))")
    similarity = agreeing / F.lit(settings.num_perm)
    scored = candidates.join(left, "x").join(right, "y").withColumn("similarity", similarity)
    kind = F.when(F.col("similarity") >= settings.wire, "wire").otherwise("near-duplicate")
    return (scored.where(F.col("similarity") >= settings.near_duplicate)
            .select("x", "y", F.least("x_id", "y_id").alias("a"), F.greatest("x_id", "y_id").alias("b"), "similarity", kind.alias("kind")))


def connected_components(edges, *, max_rounds: int = MAX_ROUNDS):
    """(vertex, label) for every vertex of ``edges`` (columns x, y): label = the smallest vertex of its component.

    Min-label propagation (each vertex takes the smallest label among itself and its
    neighbours) with pointer jumping (then the label of its label), by joins, until no label
    changes; each round is checkpointed so the plan does not grow with the rounds.

    Returns:
        (labels DataFrame, rounds run).
    """
    from pyspark.sql import functions as F

    both = edges.select("x", "y").union(edges.select(F.col("y").alias("x"), F.col("x").alias("y"))).localCheckpoint()
    labels = both.select(F.col("x").alias("vertex")).distinct().withColumn("label", F.col("vertex")).localCheckpoint()
    for rounds in range(1, max_rounds + 1):
        neighbour = (both.join(labels.withColumnRenamed("vertex", "y"), "y")
                     .groupBy("x").agg(F.min("label").alias("neighbour")).withColumnRenamed("x", "vertex"))
        spread = labels.join(neighbour, "vertex", "left").select("vertex", F.least("label", F.coalesce("neighbour", "label")).alias("label"))
        jumped = (spread.alias("s").join(spread.alias("t"), F.col("s.label") == F.col("t.vertex"))
                  .select(F.col("s.vertex").alias("vertex"), F.least(F.col("s.label"), F.col("t.label")).alias("label"))).localCheckpoint()
        changed = jumped.join(labels.withColumnRenamed("label", "before"), "vertex").where("label != before").count()
        labels = jumped
        if not changed:
            return labels, rounds
    raise RuntimeError(f"connected components did not settle in {max_rounds} rounds")


def near_duplicates(spark, articles, settings: CopySettings | None = None, *, times=None) -> NearDuplicates:
    """Near-duplicate pairs and groups of an articles DataFrame (``seq``, ``id``, ``paragraphs``)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    settings = settings or CopySettings()
    timed = times.timed if times is not None else (lambda name, action: action())
    prints = timed("fingerprint", lambda: fingerprints(spark, articles, settings).localCheckpoint())
    pairs = timed("lsh join", lambda: matching_pairs(prints, candidate_pairs(prints), settings).localCheckpoint())
    labels, rounds = timed("components", lambda: connected_components(pairs))
    names = prints.select(F.col("seq").alias("label"), F.col("id").alias("group"))
    groups = (labels.join(prints.select(F.col("seq").alias("vertex"), "id"), "vertex").join(names, "label")
              .withColumn("size", F.count("*").over(Window.partitionBy("label")))
              .select("id", F.col("vertex").alias("seq"), "group", "size"))
    return NearDuplicates(groups, pairs.select("a", "b", "similarity", "kind"), rounds)
