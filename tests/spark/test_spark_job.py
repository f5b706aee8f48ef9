"""The Spark job in local mode against the local pipeline on the same small corpus: equal clean text, equal duplicate groups, stories."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from marsad.cluster import ClusterSettings, CopyFinder, StoryClusterer
from marsad.cluster.groups import near_duplicate_groups
from marsad.models import Analysed, Article
from marsad.settings import Settings
from marsad.spark.agreement import pair_agreement
from marsad.store import open_store
from marsad.store.codec import decode_analysis

HASHING = Settings(encoder="hashing")


@pytest.fixture(scope="module")
def clustered(spark, corpus, tmp_path_factory):
    """One full job (clean, dedupe, analyse, cluster in weekly blocks with three days of lead-in) over the corpus."""
    from marsad.spark.job import run_cluster

    output = str(tmp_path_factory.mktemp("spark-out") / "out")
    run_cluster(spark, [str(corpus)], output, HASHING, block_days=7, overlap_days=3)
    return output


@pytest.fixture(scope="module")
def local_items(corpus, hashing_engine):
    return list(hashing_engine.clean_paths([corpus]))


def _table(spark, output, name):
    return [row.asDict() for row in spark.read.parquet(f"{output}/{name}").orderBy("seq").collect()]


def test_spark_clean_gives_the_articles_of_clean_json(spark, clustered, local_items):
    rows = _table(spark, clustered, "articles")
    local = [(number, item.as_dict()) for number, item in enumerate(local_items) if isinstance(item, Article)]
    assert [row.pop("seq") for row in rows] == [number for number, _ in local]
    assert rows == [data for _, data in local]
    # Outlet templates were learned and stripped, as locally: no article ends with its outlet's slogan.
    assert not any(row["paragraphs"][-1].startswith("Follow The Daily Observer") for row in rows if len(row["paragraphs"]) > 1)
    errors = _table(spark, clustered, "errors")
    local_errors = [(number, str(item)) for number, item in enumerate(local_items) if not isinstance(item, Article)]
    assert [(row["seq"], f"{row['source']}: {row['problem']} ({row['hint']})") for row in errors] == local_errors


def test_spark_duplicate_groups_equal_the_local_groups(spark, clustered, local_items):
    local = near_duplicate_groups([(number, item) for number, item in enumerate(local_items) if isinstance(item, Article)])
    groups = {row["id"]: row["group"] for row in _table(spark, clustered, "duplicates")}
    pairs = sorted((row.a, row.b, row.similarity, row.kind) for row in spark.read.parquet(f"{clustered}/pairs").collect())
    assert groups == local.group
    assert pairs == sorted((p.a, p.b, p.similarity, p.kind) for p in local.pairs)
    sizes = sorted(list(groups.values()).count(group) for group in set(groups.values()))
    assert len(sizes) >= 8 and sizes[-1] >= 3  # the copies, and the chain of a copy of a copy


def test_spark_fingerprints_equal_the_drivers(spark, clustered, local_items):
    # text-dedup #71/#88: Spark and local drifted by hashing differently; here every executor's
    # signature and band keys must be the driver's, value for value.
    from marsad.cluster import CopySettings
    from marsad.spark.dedupe import fingerprints

    articles = spark.read.parquet(f"{clustered}/articles")
    finder = CopyFinder()
    by_id = {item.id: item for item in local_items if isinstance(item, Article)}
    rows = fingerprints(spark, articles, CopySettings()).collect()
    assert len(rows) >= 60
    for row in rows:
        local = finder.fingerprint(by_id[row["id"]].text)
        assert [value & 0xFFFFFFFF for value in row["signature"]] == local.signature.tolist()
        assert tuple(row["bands"]) == local.bands


def test_connected_components_of_a_long_chain(spark):
    from marsad.spark.dedupe import connected_components

    edges = [(i, i + 1) for i in range(20)] + [(100, 101), (102, 101), (200, 203)]
    labels, rounds = connected_components(spark.createDataFrame(edges, "x long, y long"))
    found = {row.vertex: row.label for row in labels.collect()}
    assert found == {**{i: 0 for i in range(21)}, 100: 100, 101: 100, 102: 100, 200: 200, 203: 200}
    assert rounds < 10  # pointer jumping: far fewer rounds than the chain is long


def _streaming(spark, output):
    """The stories ``marsad ingest`` gives the same analysed articles, in the same order and batches."""
    rows = {row["id"]: row for row in _table(spark, output, "articles")}
    analyses = _table(spark, output, "analyses")
    from marsad.spark.clean import article_from_row

    items = [(Analysed(article_from_row(rows[a["id"]]), decode_analysis(bytes(a["analysis"]))), rows[a["id"]]["outlet"]) for a in analyses]
    store = open_store(":memory:")
    clusterer = StoryClusterer(store, ClusterSettings())
    for start in range(0, len(items), 32):
        clusterer.add(items[start : start + 32])
    stories = store.story_of([item.article.id for item, _ in items])
    store.close()
    return stories


def test_one_block_gives_the_streaming_story_ids(spark, clustered):
    # One block holding everything is the stream itself: the same clusterer, order and batches.
    from marsad.spark.stories import Blocks, stories

    articles, analyses = spark.read.parquet(f"{clustered}/articles"), spark.read.parquet(f"{clustered}/analyses")
    batch = {row["id"]: row["story"] for row in stories(spark, articles, analyses, Blocks(days=3650, overlap=0)).collect()}
    assert batch == _streaming(spark, clustered)


def test_blocks_agree_with_streaming_on_article_pairs(spark, clustered):
    batch = {row["id"]: row["story"] for row in _table(spark, clustered, "stories")}
    streaming = _streaming(spark, clustered)
    blocks = {row["block"] for row in _table(spark, clustered, "stories")}
    assert len(blocks) >= 3  # the corpus spans three weeks: the stitch across block edges is exercised
    agreement = pair_agreement(streaming, batch)
    assert agreement.articles == len(streaming)
    assert agreement.agreement >= 0.99, agreement.as_dict()


def test_export_loads_the_stories_into_a_store(spark, clustered, tmp_path):
    from marsad.spark.export import export_output

    batch = {row["id"]: row["story"] for row in _table(spark, clustered, "stories")}
    with open_store(tmp_path / "spark.db") as store:
        exported = export_output(clustered, store)
        assert exported.articles == len(batch) and exported.stories == len(set(batch.values()))
        assert store.story_of(list(batch)) == batch
        summaries = store.stories().items
        assert summaries and sum(story.articles for story in store.stories().items) <= len(batch)


def test_cli_spark_clean_reports_bad_input_and_writes_parquet(spark, corpus, tmp_path):
    from marsad.cli import cli

    output = tmp_path / "cli-out"
    missing = tmp_path / "missing.jsonl"
    result = CliRunner().invoke(cli, ["spark", "clean", str(corpus / "feed-2.jsonl"), str(missing), str(output), "--master", "local[2]"])
    assert result.exit_code == 1, result.output
    assert "feed-2.jsonl:4: invalid JSON" in result.output
    assert f"{missing}: no such file or folder" in result.output
    assert (output / "articles" / "_SUCCESS").exists()
    first = json.loads(json.dumps(spark.read.parquet(str(output / "articles")).orderBy("seq").first().asDict()))
    assert set(first) == {"seq", "id", "source", "url", "outlet", "title", "author", "dateline", "agency", "published", "language", "captions", "paragraphs"}


def test_hadoop_uri_input_reads_like_a_local_path(spark, corpus, hashing_engine):
    # file:// goes through Hadoop (binaryFiles), as hdfs:// or s3a:// would; the pages are the local ones.
    from marsad.spark.clean import clean

    feed = corpus / "feed-2.jsonl"
    cleaned = clean(spark, [feed.as_uri()], HASHING)
    rows = [row.asDict() for row in cleaned.articles.orderBy("seq").collect()]
    local = [item for item in hashing_engine.clean_paths([feed]) if isinstance(item, Article)]
    assert [(row["id"], row["paragraphs"]) for row in rows] == [(item.id, list(item.paragraphs)) for item in local]
    assert [row["source"].rsplit("/", 1)[-1] for row in rows] == [item.source.rsplit("/", 1)[-1] for item in local]
    [error] = cleaned.errors.collect()
    assert error["problem"] == "invalid JSON" and error["source"].endswith("feed-2.jsonl:4")


def test_stitch_continues_mutual_best_matches_and_keeps_clashing_names_apart(spark):
    from marsad.spark.stories import stitch

    rows = [  # block, id, seq, owned, story
        (0, "y", 1, True, "sy"), (0, "z", 2, True, "sy"), (0, "q", 3, True, "sq"),
        # Block 1 re-clusters its lead-in (y, z, q) without their past: y starts "sy" again, z joins q's story.
        (1, "y", 1, False, "sy"), (1, "z", 2, False, "sq"), (1, "q", 3, False, "sq"),
        (1, "w", 4, True, "sy"), (1, "v", 5, True, "sq"),
    ]
    per_block = spark.createDataFrame([(*row, None, None) for row in rows],
                                      "block long, id string, seq long, owned boolean, story string, copy_of string, copy_kind string")
    found = {row["id"]: row["story"] for row in stitch(per_block).collect()}
    # sq continues (each side's best match); block 1's "sy" is not block 0's (whose best is sq): a story of its own, named apart.
    assert found == {"y": "sy", "z": "sy", "q": "sq", "v": "sq", "w": "sy-b1"}
