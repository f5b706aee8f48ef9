"""``marsad articles``: list and search the stored articles, newest publication first."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from marsad.cli._output import print_json_line, render_article_lines, stdout_console
from marsad.cli.stories import _open, _span, db_option
from marsad.errors import MarsadError
from marsad.store.base import ArticleQuery


@click.command("articles")
@db_option
@click.option("--text", help="Full-text search over titles and bodies (all words must match).")
@click.option("--entity", help="A canonical entity id the article names, e.g. country:US.")
@click.option("--language", help="ISO 639-1 code, e.g. ar.")
@click.option("--outlet", help="The outlet, e.g. reuters.com.")
@click.option("--story", "story_id", metavar="STORY_ID", help="Only this story's articles (copies included).")
@click.option("--since", metavar="DATE", help="Published on or after DATE (YYYY-MM-DD); undated articles are left out.")
@click.option("--until", metavar="DATE", help="Published on or before DATE; undated articles are left out.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="Articles to list.")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True, help="Articles to skip (the next page).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines: one object per article.")
def articles(db: Path, text, entity, language, outlet, story_id, since, until, limit: int, offset: int, as_json: bool) -> None:
    """List or search stored articles, newest publication first (undated last): one line each with
    the publication date, outlet, language, title and id (tab-separated when piped).

    \b
    Examples:
      marsad articles --db news.db --text "هلسنكي"
      marsad articles --db news.db --outlet reuters.com --since 2021-09-01
      marsad articles --db news.db --story s69997c81ea97e140 --json
    """
    store = _open(db)
    try:
        page = store.articles(ArticleQuery(text, entity, language, outlet, *_span(since, until),
                                           story_id=story_id, limit=limit, offset=offset))
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    if as_json:
        for ref in page.items:
            print_json_line(ref.as_dict())
        return
    render_article_lines(stdout_console(), page.items, page.total, piped=not sys.stdout.isatty())


def stored_pair(db: Path, a: str, b: str):
    """The two stored articles ``a`` and ``b`` of ``db`` as (Article, Analysed), or one clear error."""
    store = _open(db)
    try:
        found = []
        for name, article_id in (("A", a), ("B", b)):
            analysed = store.analysed(article_id.strip())
            if analysed is None:
                raise click.ClickException(f"{name}: no article {article_id!r} in {db} (list the ids with `marsad articles --db {db}`)")
            found.append((analysed.article, analysed))
        return found
    finally:
        store.close()
