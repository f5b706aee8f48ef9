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

from marsad.clean.plain import article_from_fields
from marsad.cli._options import entity_pieces_option, languages_option, max_page_option, pair_encoder_option
from marsad.cli._output import (
    _text,
    print_json_line,
    progress_bar,
    render_article_lines,
    render_story_lines,
    stderr_console,
    stdout_console,
)
from marsad.errors import InputError, MalformedInput, MarsadError
from marsad.models import Article
from marsad.settings import DEFAULT_ENTITY_PIECES, ENCODERS, Settings
from marsad.store import DEFAULT_DB, StoryQuery
from marsad.store.base import STORY_SORTS

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


def _engine(encoder: str, pair_encoder: str = "auto", languages: str | None = None, max_page_mb: float = 20, entity_pieces: int = DEFAULT_ENTITY_PIECES):
    from marsad.engine import Engine

    try:
        settings = Settings(encoder=encoder, pair_encoder=pair_encoder, languages=_language_codes(languages), max_page_bytes=int(max_page_mb * 1024 * 1024),
                            entity_pieces=entity_pieces)
    except MarsadError as error:
        raise click.BadParameter(str(error), param_hint="--languages") from None
    return Engine(settings)


def _language_codes(languages: str | None) -> tuple[str, ...] | None:
    return tuple(code for code in languages.split(",") if code.strip()) if languages else None


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


def _check_encoder(store, db: Path, encoder: str) -> None:
    """One clear line when the store holds another encoder's vectors (mixing them breaks the index)."""
    from marsad.settings import ENCODER_DIMS

    stored = store.vector_dim()
    if stored is not None and stored != ENCODER_DIMS[encoder]:
        store.close()
        built_with = [name for name, dim in ENCODER_DIMS.items() if dim == stored]
        fix = f"ingest with --encoder {built_with[0]}" if built_with else "use a new --db for this encoder"
        raise click.BadParameter(f"{db} holds {stored}-dimension vectors, --encoder {encoder} makes {ENCODER_DIMS[encoder]} ({fix}, or a new --db)",
                                 param_hint="--encoder")


def _page_count(paths: tuple[Path, ...]) -> int | None:
    """How many pages ``paths`` hold, when that is cheap to know: page files (also gzipped), and
    JSON Lines by their lines (a gzipped one read through once); None for stdin, globs and WARC
    archives, whose pages are counted as they come."""
    from marsad.cli._jsonl import count_records
    from marsad.ingest.readers import page_suffix
    from marsad.ingest.sniff import JSONL_SUFFIXES

    count = 0
    for path in paths:
        if str(path) == "-" or not path.exists():
            return None
        files = [path] if path.is_file() else [item for item in path.rglob("*") if item.is_file() and not item.name.startswith(".")]
        for item in files:
            inner = page_suffix(item)  # through .gz
            if inner in (".warc", ".json") or (not inner and item.suffix.lower() == ".gz"):
                return None  # records or a format only reading tells
            if inner in JSONL_SUFFIXES:
                lines = count_records(item)
                if lines is None:
                    return None
                count += lines
            else:
                count += 1
    return count


def ingest(paths: tuple[Path, ...], db: Path, encoder: str, pair_encoder: str, batch_size: int, workers: int, report: Path | None,
           languages: str | None = None, max_page_mb: float = 20, entity_pieces: int = DEFAULT_ENTITY_PIECES) -> None:
    """Clean, analyse, store and cluster pages (files, folders, globs, WARC, JSON Lines; - for stdin).

    Each batch is one transaction: an interrupted ingest keeps every batch it reported.
    Pages already stored (same content) are skipped.

    \b
    Examples:
      marsad ingest pages/ --db news.db
      marsad ingest crawl.warc.gz feed.jsonl --db news.db --report ingested.jsonl
      cat page.html | marsad ingest - --db news.db --languages ar,en,fr
      marsad ingest pages/ --db news.db --entity-pieces 512   # better names, about 25 % slower
    """
    engine = _engine(encoder, pair_encoder, languages, max_page_mb, entity_pieces)
    store = _open(db, read_only=False)
    _check_encoder(store, db, encoder)
    report_file = open(report, "a", encoding="utf-8") if report else None

    def on_batch(progress) -> None:
        for error in progress.errors:
            _report_error(error)
        if report_file:
            # Written only after the batch committed, and synced: what is listed here is stored.
            sources = store.sources([assignment.article_id for assignment in progress.batch])
            for assignment in progress.batch:
                report_file.write(json.dumps({"source": sources.get(assignment.article_id), "id": assignment.article_id,
                                              "story": assignment.story_id, "seen": assignment.seen}, ensure_ascii=False) + "\n")
            for error in progress.errors:
                report_file.write(json.dumps({"source": error.source, "error": error.problem, "hint": error.hint}, ensure_ascii=False) + "\n")
            report_file.flush()
            os.fsync(report_file.fileno())
        advance(completed=progress.stored + progress.seen + progress.failed)

    try:
        with progress_bar("ingest", _page_count(paths)) as advance:
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
            since: str | None, until: str | None, limit: int, offset: int, sort: str = "published", min_size: int = 1,
            min_outlets: int = 1, undated: str = "include") -> None:
    """List stories, newest publication first: one line each with the publication date, size
    (independent articles), outlets and headline (tab-separated when piped).

    Stories none of whose articles gives a publication date are listed as "undated", after
    the dated ones; --since and --until leave them out.

    \b
    Examples:
      marsad stories --db news.db
      marsad stories --db news.db --min-outlets 3 --sort size
      marsad stories --db news.db --since 2021-09-01 --language ar
      marsad stories --db news.db --undated only
      marsad stories --db news.db --json | jq .headline
    """
    dated = {"include": None, "exclude": True, "only": False}[undated]
    store = _open(db)
    try:
        page = store.stories(StoryQuery(text, entity, language, outlet, *_span(since, until),
                                        min_size=min_size, limit=limit, offset=offset, min_outlets=min_outlets, dated=dated, sort=sort))
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    if as_json:
        for summary in page.items:
            print_json_line(summary.as_dict())
        return
    render_story_lines(stdout_console(), page.items, page.total, piped=not sys.stdout.isatty())


def _span(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """``--since`` and ``--until`` as the store reads them, or one clear error when since is after until."""
    since, until = _iso_date(since, "--since"), _iso_date(until, "--until")
    if since and until and since > _until(until):  # "--until 2021-09" covers the whole month: past the 15th
        raise click.BadParameter(f"--since {since} is after --until {until}: nothing could be kept", param_hint="--since/--until")
    return since, _until(until)


def _until(value: str | None) -> str | None:
    """An ``--until`` as written ("2021-09") covers that whole month: past every date in it."""
    return value + "~" if value and len(value) < 10 else value


def _iso_date(value: str | None, option: str) -> str | None:
    """``value`` checked as an ISO date (2021-09-22, or 2021-09, 2021), else one clear error."""
    if value is None:
        return None
    import re

    from datetime import date

    value = value.strip()
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD (2021-09-22), YYYY-MM or YYYY", param_hint=option)
    try:  # a month 13, a 30 February: no such day
        date.fromisoformat((value + "-01-01")[:10] if len(value) < 10 else value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is no date in the calendar", param_hint=option) from None
    return value


def story(story_id: str, db: Path, as_json: bool) -> None:
    """Show one story: its articles oldest first (wire copies and near-duplicates folded under their
    original), why each joined (its score against the story, the earlier article it matched, the
    entities it shares with the others) and the entities they share.

    \b
    Examples:
      marsad story s69997c81ea97e140 --db news.db
      marsad story s6999 --db news.db             # the start of an id is enough when only one story has it
      marsad story s69997c81ea97e140 --db news.db --json | jq '.members[].joined'
    """
    from marsad.cluster.membership import explain_members, story_with_reasons

    store = _open(db)
    try:
        detail = store.story(story_id)
        if detail is None and len(story_id) >= 5:  # a shortened id, as long as it names one story
            matches = store.story_ids_starting(story_id if story_id.startswith("s") else "s" + story_id)
            if len(matches) > 1:
                raise click.ClickException(f"{story_id}: more than one story starts so ({', '.join(matches)}, …); give more of the id")
            detail = store.story(matches[0]) if matches else None
        reasons = explain_members(detail, store) if detail is not None else {}
    finally:
        store.close()
    if detail is None:
        raise click.ClickException(f"{story_id}: no such story in {db} (list them with `marsad stories --db {db}`)")
    if as_json:
        print_json_line(story_with_reasons(detail, reasons))
        return
    console = stdout_console()
    s = detail.summary
    console.print(_text(s.headline, "bold"))
    span = " → ".join(dict.fromkeys(filter(None, (s.first_published, s.last_published)))) or "undated"
    console.print(f"{s.id} · {s.size} independent articles, {s.articles} in all · {', '.join(s.languages)} · {span}", highlight=False, soft_wrap=True)
    render_article_lines(console, [member.article for member in detail.members], len(detail.members), piped=False, footer=False)
    for member in detail.members:
        reason = reasons.get(member.article.id)
        if reason is None:
            continue
        matched = f"matched {reason.matched_article} ({reason.matched_score:.2f})" if reason.matched_article else "started the story"
        score = f"{reason.score_against_story:.2f} against the story · " if reason.score_against_story is not None else ""
        shared = ", ".join(entity.label for entity in reason.shared_entities) or "no shared entity"
        console.print(f"  {member.article.id}: {score}{matched} · shares {shared}", style="dim", highlight=False, soft_wrap=True)
        for copy in member.copies:
            console.print(f"    ↳ {copy.copy_kind} {copy.id} {copy.outlet or ''} {copy.title or ''}", style="dim", highlight=False, soft_wrap=True)
    if detail.shared_entities:
        console.print("shared: " + ", ".join(f"{e.label} ({e.articles})" for e in detail.shared_entities[:20]), highlight=False, soft_wrap=True)


def _read_records(path: Path, is_place: Callable[[str], bool]) -> tuple[list[tuple[str, Article]], list[InputError]]:
    """A JSON Lines file of articles: (external id, Article) per good line, an error per bad one.

    Each ``text`` is cleaned as feed text (``clean.plain``: paragraphs, dateline, consent notices)."""
    records, errors = [], []
    try:
        raw_lines = path.read_bytes().splitlines()
    except OSError as error:
        raise click.ClickException(f"{path}: cannot read ({error.strerror or error})") from None
    for number, raw in enumerate(raw_lines, 1):
        where = f"{path}:{number}"
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            # One bad line is reported and skipped; the rest of the file is still clustered.
            errors.append(MalformedInput(where, f"not UTF-8 (byte 0x{raw[error.start]:02x} at column {error.start + 1})",
                                         "save the file as UTF-8, e.g. iconv -f windows-1256 -t utf-8"))
            continue
        if not line.strip():
            continue
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

    \b
    Examples:
      marsad cluster articles.jsonl --json > stories.jsonl
      marsad cluster articles.jsonl --encoder e5 --workers 2
    """
    from marsad.store import open_store

    engine = _engine(encoder, pair_encoder)
    records, errors = _read_records(file, engine.gazetteer.is_place)
    for error in errors:
        _report_error(error)
    store = open_store(":memory:")
    with progress_bar("cluster", len(records)) as advance:
        engine.ingest_items((article for _, article in records), store, batch_size=batch_size, workers=workers,
                            on_batch=lambda p: advance(completed=p.stored + p.seen))
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
    """Rebuild every story of the store from scratch with the same algorithm (analyses are reused, not recomputed).

    \b
    Example:
      marsad recluster --db news.db
    """
    if not db.exists():
        raise click.ClickException(f"{db}: no such store")
    engine = _engine("hashing")  # replays cached analyses: no encoder is loaded
    with _open(db) as reader:
        total = reader.counts().articles
    with progress_bar("recluster", total) as advance:
        try:
            result = engine.recluster(db, on_batch=lambda p: advance(completed=p.stored))
        except MarsadError as error:
            raise click.ClickException(str(error)) from None
    stderr_console().print(f"reclustered {result.stored} articles: {result.new_stories} stories, {result.copies} copies", highlight=False)


def register(cli: click.Group) -> None:
    """Add the story commands to the ``marsad`` group."""
    cli.command("ingest")(
        click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(
            db_option(encoder_option(pair_encoder_option(workers_option(
                click.option("--batch-size", type=click.IntRange(1, 1024), default=32, show_default=True, help="Articles per transaction.")(
                    click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
                                 help="Append one JSON line per page to FILE after each committed batch: its source, id and story, or its error "
                                      "(a page stored before names the source it was first stored from).")(
                    languages_option(max_page_option(entity_pieces_option(DEFAULT_ENTITY_PIECES)(ingest))))
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
            click.option("--since", metavar="DATE", help="Stories with an article published on or after DATE (YYYY-MM-DD); undated stories are left out.")(
            click.option("--until", metavar="DATE", help="Stories begun (first published) on or before DATE; undated stories are left out.")(
            click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="Stories to list.")(
            click.option("--offset", type=click.IntRange(0), default=0, show_default=True, help="Stories to skip (the next page).")(
            click.option("--sort", type=click.Choice(STORY_SORTS), default="published", show_default=True,
                         help="Order: newest publication first (undated last), most independent articles, or most outlets.")(
            click.option("--min-size", type=click.IntRange(1), default=1, show_default=True, help="Only stories with at least this many independent articles.")(
            click.option("--min-outlets", type=click.IntRange(1), default=1, show_default=True, help="Only stories told by at least this many outlets.")(
            click.option("--undated", type=click.Choice(["include", "exclude", "only"]), default="include", show_default=True,
                         help="Stories with no publication date: listed after the dated ones, left out, or listed alone.")(stories))))))))))))
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
