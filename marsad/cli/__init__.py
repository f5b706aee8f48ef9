"""The ``marsad`` command: a thin layer over :class:`marsad.engine.Engine`.

Commands: ``clean``, ``compare``, ``demo``. Library errors become one line on stderr and an
exit code; the library itself never prints.
"""

from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path

import click

from marsad.cli._options import entity_pieces_option, languages_option, max_page_option, pair_encoder_option
from marsad.cli._output import print_json_line, render_article, render_comparison, stderr_console, stdout_console
from marsad.engine import Engine
from marsad.errors import InputError, MarsadError
from marsad.models import Article
from marsad.settings import DEFAULT_ENTITY_PIECES, ENCODERS

encoder_option = click.option(
    "--encoder",
    type=click.Choice(ENCODERS),
    default="use",
    show_default=True,
    help="Sentence encoder: use (Universal Sentence Encoder multilingual v3, fast), e5 (multilingual-e5-small, slower) or hashing (a test stand-in).",
)


def _engine(encoder: str, pair_encoder: str = "auto", languages: str | None = None, max_page_mb: float = 20, entity_pieces: int = DEFAULT_ENTITY_PIECES) -> Engine:
    from marsad.cli.stories import _engine as engine_with_settings

    return engine_with_settings(encoder, pair_encoder, languages, max_page_mb, entity_pieces)


def _report(error: InputError) -> None:
    stderr_console().print(f"[red]error[/red] {error}", highlight=False, soft_wrap=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="marsad")
def cli() -> None:
    """marsad (مرصد): clean news pages, judge article pairs, group stories."""
    _show_warnings()


class _WarningLine(logging.Handler):
    """The library's warnings (an index rebuilt, a worker lost) as one line each on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        from rich.text import Text

        stderr_console().print(Text.assemble(("warning", "yellow"), " ", record.getMessage()), highlight=False, soft_wrap=True)


def _show_warnings() -> None:
    library = logging.getLogger("marsad")
    if not any(isinstance(handler, _WarningLine) for handler in library.handlers):
        handler = _WarningLine(logging.WARNING)
        library.addHandler(handler)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines: one object per article.")
@encoder_option
@languages_option
@max_page_option
def clean(paths: tuple[Path, ...], as_json: bool, encoder: str, languages: str | None, max_page_mb: float) -> None:
    """Clean page files or folders of them: body paragraphs, title, dateline, agency, captions.

    A file that cannot be read gets one line on stderr; the others are still cleaned, and the
    exit code is 1 when any input failed.

    \b
    Examples:
      marsad clean page.html
      marsad clean pages/ --json > articles.jsonl
      marsad clean dump.txt --languages ar,en,fr
    """
    engine = _engine(encoder, languages=languages, max_page_mb=max_page_mb)
    console = stdout_console()
    failed = 0
    for item in engine.clean_paths(paths):
        if isinstance(item, InputError):
            failed += 1
            _report(item)
        elif as_json:
            print_json_line(item.as_dict())
        else:
            render_article(console, item)
    sys.exit(1 if failed else 0)


def _one_article(engine: Engine, path: Path) -> Article:
    if not path.exists():
        hint = " (to compare stored articles by id, add --db STORE)" if len(path.name) == 16 and not path.suffix else ""
        raise click.ClickException(f"{path}: no such file{hint}")
    results = list(engine.clean_paths([path]))
    articles = [item for item in results if isinstance(item, Article)]
    for item in results:
        if isinstance(item, InputError):
            _report(item)
    if len(articles) != 1:
        raise click.ClickException(f"{path}: expected one article, found {len(articles)}")
    return articles[0]


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: scores and evidence.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="Compare two stored articles: A and B are article ids in this store (marsad articles lists them); their stored analyses are used, so --encoder plays no part.")
@encoder_option
@pair_encoder_option
@entity_pieces_option(-1)
def compare(a: str, b: str, as_json: bool, db: Path | None, encoder: str, pair_encoder: str, entity_pieces: int) -> None:
    """Judge how similar two articles are on the seven SemEval-2022 Task 8 dimensions (1 = very similar … 4 = unrelated).

    Two files are analysed with the entity encoder reading them whole beside the CRF, as `marsad
    entities` reads (the evidence names people, places and organisations better; ingest keeps the
    CRF alone for speed); stored articles (--db) keep their stored analyses.

    \b
    Examples:
      marsad compare page-a.html page-b.txt
      marsad compare 69997c81ea97e140 dc11bc132f0d2cbd --db news.db --json
    """
    engine = _engine(encoder, pair_encoder, entity_pieces=entity_pieces)
    if db is not None:
        from marsad.cli.articles import stored_pair

        (article_a, analysed_a), (article_b, analysed_b) = stored_pair(db, a, b)
    else:
        article_a, article_b = _one_article(engine, Path(a)), _one_article(engine, Path(b))
        analysed_a, analysed_b = article_a, article_b
    try:
        comparison = engine.compare(analysed_a, analysed_b)
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        print_json_line(comparison.as_dict())
    else:
        render_comparison(stdout_console(), article_a, article_b, comparison)


@cli.command()
@encoder_option
@pair_encoder_option
def demo(encoder: str, pair_encoder: str) -> None:
    """Run the main job on the bundled sample pages: clean two reports of one event and an unrelated page, compare them, group them into stories.

    \b
    Example:
      marsad demo --encoder hashing
    """
    engine = _engine(encoder, pair_encoder)
    console = stdout_console()
    samples = resources.files("marsad").joinpath("samples")
    names = ["000_ce9a9260fbf79b5c.txt", "001_c27c747781909a83.txt", "unrelated_ar.txt"]
    with resources.as_file(samples) as folder:
        articles = [_one_article(engine, Path(folder) / name) for name in names]
    console.rule("[bold]1. clean: two Arabic pages about one event[/bold]")
    for article in articles[:2]:
        render_article(console, article)
    console.rule("[bold]2. compare: the same event told by two outlets[/bold]")
    analysed = [engine.analyse(article) for article in articles]
    render_comparison(console, articles[0], articles[1], engine.compare(analysed[0], analysed[1]))
    console.rule("[bold]3. compare: a different event[/bold]")
    different = engine.compare(analysed[0], analysed[2])
    console.print(f"{articles[0].title}\n  vs {articles[2].title}")
    console.print({dimension.value: round(score, 2) for dimension, score in different.scores.items()})
    console.rule("[bold]4. stories: the three pages clustered in a throwaway store[/bold]")
    from marsad.store import open_store

    store = open_store(":memory:")
    try:
        engine.ingest_items([item.article for item in analysed], store)
        for story in store.stories().items:
            console.print(f"story {story.id}: {story.size} article(s) · {', '.join(story.languages)} · {story.headline}", soft_wrap=True)
    finally:
        store.close()


def main() -> None:
    cli(prog_name="marsad")


# Commands of the later stages, registered last: one module each.
from marsad.cli.entities import entities  # noqa: E402
from marsad.cli.score_pairs import score_pairs  # noqa: E402
from marsad.cli.serve import serve  # noqa: E402
from marsad.cli.stories import register as register_story_commands  # noqa: E402

cli.add_command(entities)
cli.add_command(score_pairs)
cli.add_command(serve)
register_story_commands(cli)
from marsad.cli.articles import articles  # noqa: E402
from marsad.cli.delete import delete  # noqa: E402
from marsad.cli.export import export  # noqa: E402

cli.add_command(articles)
cli.add_command(export)
cli.add_command(delete)

from marsad.cli.spark import spark as spark_commands  # noqa: E402

cli.add_command(spark_commands)
