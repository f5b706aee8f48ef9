"""``marsad spark clean|dedupe|cluster INPUT… OUTPUT`` and ``marsad spark export OUTPUT --db``: the pipeline as a Spark job.

Thin: the work is :mod:`marsad.spark.job`. On one machine ``--master local[N]`` runs it in N
cores; on a cluster the same commands run under ``spark-submit marsad/spark/submit.py …``
(the master comes from spark-submit; see the README).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from marsad.cli._options import pair_encoder_option
from marsad.cli._output import stderr_console
from marsad.errors import MarsadError
from marsad.settings import ENCODERS, Settings

MAX_ERRORS_SHOWN = 20

master_option = click.option("--master", default=None, help="Spark master: local[2], spark://HOST:7077, yarn, k8s://… (default: spark-submit's, or local[*]).")
partitions_option = click.option("--partitions", type=click.IntRange(1, 100_000), default=None,
                                  help="Shuffle partitions (default: 8 in local mode, Spark's otherwise).")
inputs_argument = click.argument("paths", nargs=-1, required=True)


@click.group("spark")
def spark() -> None:
    """Run clean, dedupe or cluster as a Spark job over a corpus too big for one machine (needs the spark extra and Java 17).

    INPUT is files, folders, globs or Hadoop URIs (hdfs://, s3a://) of WARC, JSON Lines or text
    dumps, or the OUTPUT folder of an earlier job (its articles are reused). OUTPUT is a folder
    of Parquet tables: articles, errors, duplicates, pairs, analyses, stories.
    """


def _session(master: str | None, partitions: int | None):
    from marsad.spark.session import spark_session

    try:
        return spark_session(master, shuffle_partitions=partitions)
    except MarsadError as error:
        raise click.ClickException(str(error)) from None


def _finish(session, output: str, times) -> None:
    """Print the stage times and the inputs that failed (one line each); exit 1 when any did."""
    console = stderr_console()
    for stage, seconds in times.seconds.items():
        console.print(f"{stage}: {seconds:.1f} s", highlight=False)
    console.print(", ".join(f"{count:,} {what}" for what, count in times.rows.items()), highlight=False)
    from pyspark.errors import AnalysisException

    failed = 0
    if (Path(output) / "errors").exists() or "://" in output:
        try:
            errors = session.read.parquet(output.rstrip("/") + "/errors")
        except AnalysisException:  # no errors table: the input was an earlier job's output
            errors = None
        if errors is not None:
            failed = errors.count()
            for row in errors.orderBy("seq").limit(MAX_ERRORS_SHOWN).collect():
                hint = f" ({row['hint']})" if row["hint"] else ""
                console.print(f"[red]error[/red] {row['source']}: {row['problem']}{hint}", highlight=False, soft_wrap=True)
            if failed > MAX_ERRORS_SHOWN:
                console.print(f"… and {failed - MAX_ERRORS_SHOWN:,} more in {output}/errors", highlight=False)
    sys.exit(1 if failed else 0)


def _split(paths: tuple[str, ...]) -> tuple[list[str], str]:
    if len(paths) < 2:
        raise click.UsageError("give at least one INPUT and the OUTPUT folder")
    return list(paths[:-1]), paths[-1]


@spark.command("clean")
@inputs_argument
@master_option
@partitions_option
def clean(paths: tuple[str, ...], master: str | None, partitions: int | None) -> None:
    """Clean INPUT… into OUTPUT/articles: the fields and ids of `marsad clean --json`, as Parquet."""
    from marsad.spark.job import run_clean

    inputs, output = _split(paths)
    session = _session(master, partitions)
    _finish(session, output, run_clean(session, inputs, output, Settings()))


@spark.command("dedupe")
@inputs_argument
@master_option
@partitions_option
def dedupe(paths: tuple[str, ...], master: str | None, partitions: int | None) -> None:
    """Clean INPUT… and find its near-duplicate groups (MinHash LSH): OUTPUT/duplicates and OUTPUT/pairs."""
    from marsad.spark.job import run_dedupe

    inputs, output = _split(paths)
    session = _session(master, partitions)
    _finish(session, output, run_dedupe(session, inputs, output, Settings()))


@spark.command("cluster")
@inputs_argument
@master_option
@partitions_option
@click.option("--encoder", type=click.Choice(ENCODERS), default="use", show_default=True, help="Sentence encoder.")
@pair_encoder_option
@click.option("--block-days", type=click.IntRange(1, 3650), default=None, help="Days of articles each block clusters (default: ClusterSettings.max_span_days).")
@click.option("--overlap-days", type=click.IntRange(0, 3650), default=None, help="Days of the previous block each block reads first (default: ClusterSettings.window_days).")
def cluster(paths: tuple[str, ...], master: str | None, partitions: int | None, encoder: str, pair_encoder: str,
            block_days: int | None, overlap_days: int | None) -> None:
    """Clean, dedupe, analyse and group INPUT… into stories, by time blocks in parallel: OUTPUT/stories and OUTPUT/analyses."""
    from marsad.spark.job import run_cluster

    inputs, output = _split(paths)
    session = _session(master, partitions)
    settings = Settings(encoder=encoder, pair_encoder=pair_encoder)
    _finish(session, output, run_cluster(session, inputs, output, settings, block_days=block_days, overlap_days=overlap_days))


@spark.command("export")
@click.argument("output", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The store to load the stories into (created when missing).")
def export(output: Path, db: Path) -> None:
    """Load a `marsad spark cluster` OUTPUT folder into a marsad store, so `marsad serve` shows what Spark built (no Spark needed)."""
    from marsad.spark.export import export_output
    from marsad.store import open_store

    try:
        with open_store(db) as store:
            loaded = export_output(output, store, on_progress=lambda done, total: stderr_console().print(f"exported {done:,}/{total:,}", highlight=False))
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    stderr_console().print(f"{loaded.articles:,} articles in {loaded.stories:,} stories loaded into {db}", highlight=False)
