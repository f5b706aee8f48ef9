"""Story commands: ``ingest``, ``stories``, ``story``, ``cluster``, ``recluster``.

Thin: options are parsed here, the work is :class:`marsad.engine.Engine` and the store.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from marsad.clean.plain import article_from_fields
from marsad.cli._options import pair_encoder_option
from marsad.cli._output import _text, print_json_line, stderr_console, stdout_console
from marsad.errors import InputError, MalformedInput, MarsadError
from marsad.models import Article
from marsad.settings import ENCODERS, Settings
from marsad.store import DEFAULT_DB, StoryQuery

db_option = click.option(
    "--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True,
    help="The store: one SQLite file (its ANN index is saved beside it as FILE.usearch).",
)
encoder_option = click.option(
    "--encoder", type=click.Choice(ENCODERS), default="use", show_default=True,
    help="Sentence encoder (the same one for every ingest into a store).",
)
workers_option = click.option(
    "--workers", type=click.IntRange(0, 64), default=min(2, os.cpu_count() or 1), show_default=True,
    help="Processes that clean and analyse (0: do it in this process).",
)


def _engine(encoder: str, pair_encoder: str = "auto"):
    from marsad.engine import Engine

    return Engine(Settings(encoder=encoder, pair_encoder=pair_encoder))


def _open(db: Path, read_only: bool = True):
    from marsad.store import open_store

    if read_only and not db.exists():
        raise click.ClickException(f"{db}: no such store (create it with `marsad ingest PATH --db {db}`)")
    try:
        return open_store(db, read_only=read_only)
    except MarsadError as error:
        raise click.ClickException(str(error)) from None


def _report_error(error: InputError) -> None:
    stderr_console().print(f"[red]error[/red] {error}", highlight=False, soft_wrap=True)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} articles"),
        TimeElapsedColumn(), console=stderr_console(), disable=not sys.stderr.isatty(), transient=True,
    )


def ingest(paths: tuple[Path, ...], db: Path, encoder: str, pair_encoder: str, batch_size: int, workers: int, report: Path | None) -> None:
    """Clean, analyse, store and cluster pages (files, folders, globs, WARC, JSON Lines; - for stdin).

    Each batch is one transaction: an interrupted ingest keeps every batch it reported.
    Pages already stored (same content) are skipped.
    """
    engine = _engine(encoder, pair_encoder)
    store = _open(db, read_only=False)
    report_file = open(report, "a", encoding="utf-8") if report else None

    def on_batch(progress) -> None:
        for error in progress.errors:
            _report_error(error)
        if report_file:
            # Written only after the batch committed, and synced: what is listed here is stored.
            for assignment in progress.batch:
                report_file.write(json.dumps({"id": assignment.article_id, "story": assignment.story_id, "seen": assignment.seen}) + "\n")
            report_file.flush()
            os.fsync(report_file.fileno())
        bar.update(task, completed=progress.stored + progress.seen)

    try:
        with _progress() as bar:
            task = bar.add_task("ingest", total=None)
            result = engine.ingest(paths, store, batch_size=batch_size, workers=workers, on_batch=on_batch)
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
        if report_file:
            report_file.close()
    stderr_console().print(
        f"stored {result.stored} articles ({result.copies} copies, {result.new_stories} new stories), "
        f"{result.seen} already stored, {result.failed} failed → {db}",
        highlight=False, soft_wrap=True,
    )
    sys.exit(1 if result.failed else 0)


def stories(db: Path, as_json: bool, text: str | None, entity: str | None, language: str | None, outlet: str | None,
            since: str | None, until: str | None, limit: int, offset: int) -> None:
    """List stories, newest first: headline, size (independent articles), outlets, languages, time span."""
    store = _open(db)
    try:
        page = store.stories(StoryQuery(text, entity, language, outlet, since, until, limit=limit, offset=offset))
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    if as_json:
        for summary in page.items:
            print_json_line(summary.as_dict())
        return
    table = Table(title=f"{page.total} stories", expand=True)
    for name in ("id", "headline", "size", "outlets", "languages", "span"):
        table.add_column(name, ratio=3 if name == "headline" else None, no_wrap=name == "id")
    for s in page.items:
        span = " → ".join(dict.fromkeys(filter(None, (s.first_published, s.last_published)))) or "—"
        size = f"{s.size}" + (f" (+{s.articles - s.size} copies)" if s.articles > s.size else "")
        table.add_row(s.id, _text(s.headline), size, ", ".join(s.outlets) or "—", ", ".join(s.languages), span)
    stdout_console().print(table)


def story(story_id: str, db: Path, as_json: bool) -> None:
    """Show one story: its articles (wire copies and near-duplicates folded under their original) and shared entities."""
    store = _open(db)
    try:
        detail = store.story(story_id)
    finally:
        store.close()
    if detail is None:
        raise click.ClickException(f"{story_id}: no such story in {db}")
    if as_json:
        print_json_line(detail.as_dict())
        return
    console = stdout_console()
    s = detail.summary
    console.print(_text(s.headline, "bold"))
    console.print(f"{s.id} · {s.size} independent articles, {s.articles} in all · {', '.join(s.languages)} · "
                  f"{s.first_published or '—'} → {s.last_published or '—'}", highlight=False)
    table = Table(expand=True)
    for name in ("published", "outlet", "lang", "title", "id"):
        table.add_column(name, ratio=3 if name == "title" else None, no_wrap=name in ("id", "published"))
    for member in detail.members:
        a = member.article
        table.add_row(a.published or "—", a.outlet or "—", a.language or "—", _text(a.title), a.id)
        for copy in member.copies:
            table.add_row(copy.published or "—", copy.outlet or "—", copy.language or "—", _text(f"↳ {copy.copy_kind}: {copy.title or ''}", "dim"), copy.id)
    console.print(table)
    if detail.shared_entities:
        console.print("shared: " + ", ".join(f"{e.label} ({e.articles})" for e in detail.shared_entities[:20]))


def _read_records(path: Path, is_place: Callable[[str], bool]) -> tuple[list[tuple[str, Article]], list[InputError]]:
    """A JSON Lines file of articles: (external id, Article) per good line, an error per bad one.

    Each ``text`` is cleaned as feed text (``clean.plain``: paragraphs, dateline, consent notices)."""
    records, errors = [], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path}: cannot read ({error})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError) as error:  # RecursionError: nested thousands deep
            errors.append(MalformedInput(where, f"not a JSON object ({error})"))
            continue
        text = record.get("text")
        if not isinstance(text, str) or not text.strip() or record.get("id") is None:
            errors.append(MalformedInput(where, "needs an \"id\" and a non-empty \"text\""))
            continue
        published = record.get("published") or record.get("date")
        article = article_from_fields(
            where, text.replace("\r", ""), title=_field(record.get("title")), published=str(published) if published else None,
            language=_field(record.get("language")), url=_field(record.get("url")), outlet=_field(record.get("outlet")), is_place=is_place,
        )
        records.append((str(record["id"]), article))
    return records, errors


def _field(value) -> str | None:
    return str(value) if value not in (None, "") else None


def cluster(file: Path, as_json: bool, encoder: str, pair_encoder: str, workers: int, batch_size: int) -> None:
    """Cluster a JSON Lines file of articles (id, title, text, language, published; optional outlet, url) in order, without a store.

    Each text is cleaned as feed text (paragraphs, dateline, cookie and consent notices dropped).
    Prints one {"id": …, "story": …} per article: the stories as they stand after the last article.
    """
    from marsad.store import open_store

    engine = _engine(encoder, pair_encoder)
    records, errors = _read_records(file, engine.gazetteer.is_place)
    for error in errors:
        _report_error(error)
    store = open_store(":memory:")
    with _progress() as bar:
        task = bar.add_task("cluster", total=len(records))
        engine.ingest_items((article for _, article in records), store, batch_size=batch_size, workers=workers,
                            on_batch=lambda p: bar.update(task, completed=p.stored + p.seen))
    stories_of = store.story_of([article.id for _, article in records])
    store.close()
    console = stdout_console()
    for external, article in records:
        if as_json:
            print_json_line({"id": external, "story": stories_of.get(article.id)})
        else:
            console.print(f"{external}\t{stories_of.get(article.id)}", highlight=False)
    sys.exit(1 if errors else 0)


def recluster(db: Path) -> None:
    """Rebuild every story of the store from scratch with the same algorithm (analyses are reused, not recomputed)."""
    if not db.exists():
        raise click.ClickException(f"{db}: no such store")
    engine = _engine("hashing")  # replays cached analyses: no encoder is loaded
    with _progress() as bar:
        task = bar.add_task("recluster", total=None)
        try:
            result = engine.recluster(db, on_batch=lambda p: bar.update(task, completed=p.stored))
        except MarsadError as error:
            raise click.ClickException(str(error)) from None
    stderr_console().print(f"reclustered {result.stored} articles: {result.new_stories} stories, {result.copies} copies", highlight=False)


def register(cli: click.Group) -> None:
    """Add the story commands to the ``marsad`` group."""
    cli.command("ingest")(
        click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(
            db_option(encoder_option(pair_encoder_option(workers_option(
                click.option("--batch-size", type=click.IntRange(1, 1024), default=32, show_default=True, help="Articles per transaction.")(
                    click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Append one JSON line per article to FILE after each committed batch.")(ingest)
                )
            ))))
        )
    )
    json_flag = click.option("--json", "as_json", is_flag=True, help="Print JSON Lines instead of a table.")
    cli.command("stories")(
        db_option(json_flag(
            click.option("--text", help="Full-text search over titles and bodies (all words must match).")(
            click.option("--entity", help="A canonical entity id, e.g. country:US.")(
            click.option("--language", help="ISO 639-1 code of a member article.")(
            click.option("--outlet", help="An outlet some member comes from.")(
            click.option("--since", help="ISO date: stories active on or after it.")(
            click.option("--until", help="ISO date: stories begun on or before it.")(
            click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)(
            click.option("--offset", type=click.IntRange(0), default=0, show_default=True)(stories))))))))
        ))
    )
    cli.command("story")(click.argument("story_id")(db_option(json_flag(story))))
    cli.command("cluster")(
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(
            click.option("--json", "as_json", is_flag=True, help="Print JSON Lines: {\"id\": …, \"story\": …} per article.")(
                encoder_option(pair_encoder_option(workers_option(
                    click.option("--batch-size", type=click.IntRange(1, 1024), default=32, show_default=True, help="Articles per batch.")(cluster)
                )))
            )
        )
    )
    cli.command("recluster")(db_option(recluster))
