"""Clean at scale: read and clean pages in ``mapPartitions``, then learn and strip outlet templates by outlet.

    files ─▶ mapPartitions(read + Engine.clean_page) ─▶ zipWithIndex (the order ``marsad clean`` reads in)
          ─▶ by outlet, sorted by index: replay OutletTemplates batch by batch ─▶ articles (Parquet)

The result is ``marsad clean --json``'s, article for article: the same fields, ids and text.
Cleaning a page depends on nothing but the page; outlet templates (:mod:`marsad.clean.templates`)
do depend on what came before, but only on the same outlet's pages: the local path learns from
each ``TEMPLATE_BATCH`` items of the stream (errors count), then strips that batch. Each item's
index in the stream gives its batch, so each outlet's articles, sorted by index, replay exactly the
local learning, in parallel across outlets. (An outlet is one task: a corpus of one outlet learns
its template on one core; the cleaning before it is spread over all of them.)
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from marsad.clean.templates import OutletTemplates, clean_with_templates, outlet_key
from marsad.engine import TEMPLATE_BATCH
from marsad.errors import InputError
from marsad.models import Article
from marsad.settings import Settings
from marsad.spark.executor import clean_item, engine_for, error_record
from marsad.spark.inputs import (
    InputUnit,
    is_page_file,
    is_uri,
    local_units,
    read_bytes,
    read_unit,
)

ARTICLE_FIELDS = ("id", "source", "url", "outlet", "title", "author", "dateline", "agency", "published", "language", "captions", "paragraphs")


def article_schema():
    """The Parquet schema of articles: ``marsad clean --json``'s fields, plus ``seq`` (the position in the input)."""
    from pyspark.sql.types import (
        ArrayType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    fields = [StructField(name, ArrayType(StringType()) if name in ("captions", "paragraphs") else StringType()) for name in ARTICLE_FIELDS]
    return StructType([StructField("seq", LongType(), False), *fields])


def error_schema():
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    return StructType([StructField("seq", LongType(), False), StructField("kind", StringType()), StructField("source", StringType()),
                       StructField("problem", StringType()), StructField("hint", StringType())])


@dataclass(frozen=True)
class Cleaned:
    """The two outputs of cleaning: articles and the inputs that could not be read (DataFrames)."""

    articles: object
    errors: object


def _clean_units(settings: Settings):
    def run(units: Iterable[InputUnit]) -> Iterator:
        engine = engine_for(settings)
        for unit in units:
            for item in read_unit(unit, settings):
                yield _plain(clean_item(engine, item))
    return run


def _clean_files(settings: Settings):
    def run(files: Iterable[tuple[str, bytes]]) -> Iterator:
        engine = engine_for(settings)
        for uri, data in files:
            for item in read_bytes(uri, data, settings):
                yield _plain(clean_item(engine, item))
    return run


def _plain(item: Article | InputError):
    return ("error", *error_record(item)) if isinstance(item, InputError) else item


def read_and_clean(spark, paths: Sequence[str], settings: Settings, *, files_per_task: int = 1):
    """An RDD of cleaned articles and error records, in input order (before templates).

    Args:
        paths: local files, folders and globs, or Hadoop URIs, in the order they are to be read.
        files_per_task: local files cleaned by one task (one by default: pages per file vary widely).
    """
    context = spark.sparkContext
    parts = []
    local: list[str] = []

    def flush_local() -> None:
        units = local_units(local)
        if units:
            slices = max(1, -(-len(units) // files_per_task))
            parts.append(context.parallelize(units, slices).mapPartitions(_clean_units(settings)))
        local.clear()

    for path in map(str, paths):
        if is_uri(path):
            flush_local()
            # Sorted by path: the order a folder is read in locally.
            files = context.binaryFiles(path).filter(lambda pair: is_page_file(pair[0]))
            parts.append(files.sortByKey().mapPartitions(_clean_files(settings)))
        else:
            local.append(path)
    flush_local()
    return parts[0] if len(parts) == 1 else context.union(parts)


def _batches_by_outlet(batch_size: int):
    """Replay one partition's outlets (sorted by (outlet, index)) through their templates, batch by batch."""

    def run(rows: Iterable[tuple[tuple[str, int], Article]]) -> Iterator[tuple[int, Article]]:
        outlet, templates, pending = None, None, []

        def flush():
            if not pending:
                return []
            cleaned = clean_with_templates([article for _, article in pending], templates)
            out = [(index, article) for (index, _), article in zip(pending, cleaned)]
            pending.clear()
            return out

        for (key, index), article in rows:
            if key != outlet:
                yield from flush()
                outlet, templates = key, OutletTemplates()
            elif pending and pending[0][0] // batch_size != index // batch_size:
                yield from flush()
            pending.append((index, article))
        yield from flush()
    return run


def strip_outlet_templates(indexed, partitions: int, batch_size: int = TEMPLATE_BATCH):
    """``(index, article)`` pairs with each outlet's learned boilerplate stripped, as the local stream does it."""
    keyed = indexed.map(lambda pair: (outlet_key(pair[1]), pair))
    plain = keyed.filter(lambda row: row[0] is None).map(lambda row: row[1])
    by_outlet = (keyed.filter(lambda row: row[0] is not None)
                 .map(lambda row: ((row[0], row[1][0]), row[1][1]))
                 # A stable hash (Python's own str hash differs between executor processes).
                 .repartitionAndSortWithinPartitions(partitions, lambda key: zlib.crc32(key[0].encode()))
                 .mapPartitions(_batches_by_outlet(batch_size)))
    return plain.union(by_outlet)


def clean(spark, paths: Sequence[str], settings: Settings | None = None, *, partitions: int | None = None,
          batch_size: int = TEMPLATE_BATCH) -> Cleaned:
    """Clean every page under ``paths``: the articles ``marsad clean --json`` gives, as a DataFrame.

    Args:
        spark: the session (:func:`marsad.spark.session.spark_session`).
        paths: local paths or Hadoop URIs.
        settings: the engine settings (``max_page_bytes``, languages).
        partitions: width of the template shuffle (default: the session's shuffle partitions).
        batch_size: items per template batch; keep the default to match the local path.

    Returns:
        :class:`Cleaned`: ``articles`` (``seq`` + the fields of ``clean --json``) and ``errors``.
    """
    settings = settings or Settings()
    partitions = partitions or int(spark.conf.get("spark.sql.shuffle.partitions"))
    from pyspark import StorageLevel

    items = read_and_clean(spark, paths, settings)
    # Indexed once: zipWithIndex counts the partitions in a first pass, which must not clean twice.
    indexed = items.persist(StorageLevel.MEMORY_AND_DISK).zipWithIndex().map(lambda pair: (pair[1], pair[0]))
    errors = indexed.filter(lambda pair: isinstance(pair[1], tuple)).map(lambda pair: (pair[0], *pair[1][1:]))
    articles = strip_outlet_templates(indexed.filter(lambda pair: isinstance(pair[1], Article)), partitions, batch_size)
    # Kept: the ordered write samples its input before writing it, which must not replay the templates twice.
    articles = articles.persist(StorageLevel.MEMORY_AND_DISK)
    rows = articles.map(lambda pair: (pair[0], *_article_row(pair[1])))
    return Cleaned(spark.createDataFrame(rows, article_schema()), spark.createDataFrame(errors, error_schema()))


def _article_row(article: Article) -> tuple:
    data = article.as_dict()
    return tuple(data[name] for name in ARTICLE_FIELDS)


def article_from_row(row) -> Article:
    """The :class:`Article` a Parquet row holds (its id kept as written: a stripped article keeps its first id)."""
    article = Article(source=row["source"], title=row["title"], paragraphs=tuple(row["paragraphs"] or ()), dateline=row["dateline"],
                      agency=row["agency"], published=row["published"], language=row["language"], captions=tuple(row["captions"] or ()),
                      url=row["url"], author=row["author"], outlet=row["outlet"])
    return article if article.id == row["id"] else _with_id(article, row["id"])


def _with_id(article: Article, article_id: str) -> Article:
    from dataclasses import replace

    return replace(article, cleaned_id=article_id)
