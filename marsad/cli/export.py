"""``marsad export``: stories or articles of a store as CSV, JSON Lines or Parquet."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from marsad.cli._output import progress_bar, stderr_console
from marsad.cli.stories import _open, _span, db_option
from marsad.errors import MarsadError
from marsad.store.base import EXPORT_ARTICLE_COLUMNS, EXPORT_STORY_COLUMNS, ArticleQuery, StoryQuery
from marsad.store.export import FORMATS, SUFFIXES, export_chunks


def _format_of(output: Path, given: str | None) -> str:
    if given:
        return given
    chosen = SUFFIXES.get(output.suffix.lower())
    if chosen is None:
        raise click.BadParameter(f"cannot tell the format from {output.name!r}; give --format ({', '.join(FORMATS)}) or end the name in .csv, .jsonl or .parquet", param_hint="--format")
    return chosen


@click.command("export")
@click.argument("what", type=click.Choice(["stories", "articles"]))
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--format", "file_format", type=click.Choice(FORMATS), help="csv, jsonl or parquet (Parquet needs pyarrow); by default from OUTPUT's suffix.")
@click.option("--text", help="Only what matches this full-text search (all words must match).")
@click.option("--entity", help="Only what names this canonical entity id, e.g. country:US.")
@click.option("--language", help="Only articles in (stories with an article in) this language, an ISO 639-1 code.")
@click.option("--outlet", help="Only articles from (stories with an article from) this outlet, e.g. reuters.com.")
@click.option("--since", metavar="DATE", help="Only what was published on or after DATE (YYYY-MM-DD); undated articles and stories are left out.")
@click.option("--until", metavar="DATE", help="Only what was published on or before DATE; undated articles and stories are left out.")
def export(what: str, output: Path, db: Path, file_format: str | None, text, entity, language, outlet, since, until) -> None:
    """Write every story or article of the store (or those the filters keep, as `marsad stories` and
    `marsad articles` filter them) to OUTPUT: CSV (UTF-8, opens in spreadsheets), JSON Lines or
    Parquet. Articles carry their clean text, story and copy links; stories their headline, size,
    outlets, languages and publication span.

    The file appears whole or not at all (written beside OUTPUT, then renamed).

    \b
    Examples:
      marsad export stories stories.csv --db news.db
      marsad export articles articles.jsonl --db news.db
      marsad export articles articles.parquet --db news.db --outlet reuters.com --since 2021-09-01
    """
    chosen = _format_of(output, file_format)
    since, until = _span(since, until)
    filters = {"text": text, "entity": entity, "language": language, "outlet": outlet, "since": since, "until": until}
    query = StoryQuery(**filters) if what == "stories" else ArticleQuery(**filters)
    filtered = any(filters.values())
    store = _open(db)
    columns = EXPORT_STORY_COLUMNS if what == "stories" else EXPORT_ARTICLE_COLUMNS
    # A filtered export's size is not known before it is read; the bar then counts without a total.
    total = None if filtered else store.counts().stories if what == "stories" else store.counts().articles
    folder = output.resolve().parent
    if not folder.is_dir():
        store.close()
        raise click.ClickException(f"{output}: no folder {folder} to write into (create it first)")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    os.close(handle)
    written = 0
    try:
        with progress_bar(f"export {what}", total) as advance:
            def records():
                nonlocal written
                for record in (store.export_stories(query) if what == "stories" else store.export_articles(query)):
                    written += 1
                    advance(1)
                    yield record

            chunks = export_chunks(chosen, records(), columns)
            with open(temporary, "wb") as output_file:
                output_file.writelines(chunks)
        os.chmod(temporary, _mode_for(output))  # mkstemp's file is private (0600); an export is not
        os.replace(temporary, output)
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"{output}: cannot write ({error.strerror or error})") from None
    finally:
        store.close()
        Path(temporary).unlink(missing_ok=True)
    stderr_console().print(f"exported {written} {what} → {output} ({chosen})", highlight=False, soft_wrap=True)


def _mode_for(output: Path) -> int:
    """The permissions of the file the export replaces, or of a new file under the user's umask."""
    try:
        return output.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
