"""``marsad delete``: remove stored articles."""

from __future__ import annotations

from pathlib import Path

import click

from marsad.cli._output import print_json_line, stderr_console
from marsad.cli.stories import _open, db_option
from marsad.errors import MarsadError


@click.command("delete")
@click.argument("article_ids", nargs=-1, required=True, metavar="ARTICLE_ID...")
@db_option
@click.option("--yes", is_flag=True, help="Delete without asking (for scripts).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line per article: what was deleted.")
def delete(article_ids: tuple[str, ...], db: Path, yes: bool, as_json: bool) -> None:
    """Delete stored articles. Each leaves its story, whose size, outlets, dates and headline are
    recomputed from the articles left (a story left empty goes too); its earliest wire copy, if
    any, takes its place. Each article is one transaction.

    \b
    Examples:
      marsad delete 69997c81ea97e140 --db news.db
      marsad articles --db news.db --outlet spam.example --json | jq -r .id | xargs marsad delete --db news.db --yes
    """
    if not yes and not click.confirm(f"Delete {len(article_ids)} article(s) from {db}?", err=True):
        raise click.ClickException("nothing deleted")
    store = _open(db, read_only=False) if db.exists() else _open(db)
    missing = 0
    try:
        for article_id in article_ids:
            result = store.delete_article(article_id.strip())
            if result is None:
                missing += 1
                stderr_console().print(f"[red]error[/red] {article_id}: no such article in {db} (list them with `marsad articles --db {db}`)", highlight=False, soft_wrap=True)
            elif as_json:
                print_json_line(result.as_dict())
            else:
                note = " (its story is gone: it was the last article)" if result.story_deleted else ""
                note += f" (copy {result.promoted} now stands in its place)" if result.promoted else ""
                stderr_console().print(f"deleted {result.id} from story {result.story_id}{note}", highlight=False, soft_wrap=True)
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    raise SystemExit(1 if missing else 0)
