"""Terminal rendering shared by the commands (rich), and the one-line error format."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from marsad.analyse.normalise import is_arabic_script
from marsad.models import Article, Comparison


def stdout_console() -> Console:
    return Console(soft_wrap=False)


_STDERR: list[Console] = []


def stderr_console() -> Console:
    """The one console of stderr (it writes to whatever ``sys.stderr`` is at the time). One, so that
    an error line printed while a progress bar is live goes above the bar: a console of its own
    would write past the bar's redirection, onto the bar's line."""
    if not _STDERR:
        _STDERR.append(Console(stderr=True))
    return _STDERR[0]


def print_json_line(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _text(value: str | None, style: str = "", label: str = "") -> Text:
    # Arabic blocks are right-aligned so a terminal without bidi support still reads them from the
    # right edge; a dim ``label`` before the value does not count: "quantity: عامين" is Arabic.
    value = value or ""
    line = Text()
    line.append(label, style="dim")
    line.append(value, style=style)
    line.justify = "right" if is_arabic_script(value) else "left"
    return line


def _fact(item: dict) -> Text:
    """One side's fact as written, its dates resolved for the reader ("يوم الأربعاء (Wednesday)"), a
    date named several times listed once."""
    text = " / ".join(dict.fromkeys(item.get("texts") or [str(item.get("text") or "")]))  # each way of writing it once
    if item["kind"] == "date" and item.get("value"):
        text += f" ({_date_words(item['value'])})"
    return _text(text, label=f"{item['kind']}: ")


def _date_words(value: str) -> str:
    """A resolved date value in words ("--08" → "August", "weekday:3" → "Wednesday"), not as stored."""
    from marsad.serve.interface import fact_value

    return fact_value(value, "en")


def render_article(console: Console, article: Article) -> None:
    table = Table(show_header=False, box=None, pad_edge=False, expand=True)
    table.add_column(style="dim", no_wrap=True, width=10)
    table.add_column(ratio=1)
    table.add_row("source", article.source)
    table.add_row("title", _text(article.title, "bold"))
    for name in ("dateline", "agency", "published", "language"):
        table.add_row(name, _text(getattr(article, name) or "—"))
    for caption in article.captions:
        table.add_row("caption", _text(caption, "italic"))
    console.print(table)
    for paragraph in article.paragraphs:
        console.print(_text(paragraph))
        console.print()
    console.rule()


def render_comparison(console: Console, a: Article, b: Article, comparison: Comparison) -> None:
    data = comparison.as_dict()
    head = Table(expand=True, show_lines=False)
    head.add_column("A", ratio=1)
    head.add_column("B", ratio=1)
    head.add_row(_text(a.title, "bold"), _text(b.title, "bold"))
    head.add_row(a.source, b.source)
    console.print(head)

    scores = Table(title="scores (1 = very similar … 4 = unrelated)", expand=False)
    for dimension in data["scores"]:
        scores.add_column(dimension, justify="center")
    scores.add_row(*(f"{value:.2f}" for value in data["scores"].values()))
    console.print(scores)

    evidence = data["evidence"]
    shared = Table(title="shared", expand=True, show_header=True)
    shared.add_column("kind", style="dim", no_wrap=True)
    shared.add_column("A", ratio=1)
    shared.add_column("B", ratio=1)
    for kind, items in evidence["shared"].items():
        for item in items:
            label = item.get("label") or (_date_words(item["value"]) if kind == "dates" else str(item.get("value")))
            left = item["a"] if isinstance(item["a"], str) else "، ".join(item["a"])
            right = item["b"] if isinstance(item["b"], str) else "، ".join(item["b"])
            shared.add_row(f"{kind}: {label}", _text(left), _text(right))
    console.print(shared)

    facts = Table(title="only one side reports", expand=True)
    facts.add_column("A only", ratio=1)
    facts.add_column("B only", ratio=1)
    left = [_fact(item) for item in evidence["only_a"]]
    right = [_fact(item) for item in evidence["only_b"]]
    for index in range(max(len(left), len(right))):
        facts.add_row(left[index] if index < len(left) else "", right[index] if index < len(right) else "")
    console.print(facts)

    if evidence["conflicts"]:
        conflicts = Table(title="conflicts", expand=True, style="red")
        conflicts.add_column("slot")
        conflicts.add_column("A", ratio=1)
        conflicts.add_column("B", ratio=1)
        for item in evidence["conflicts"]:
            conflicts.add_row(item["slot"], _text(item["a"]["text"]), _text(item["b"]["text"]))
        console.print(conflicts)
    else:
        console.print("[green]no conflicting facts[/green]")

    if not evidence["aligned"]:
        console.print("[dim]no sentence of one says what a sentence of the other says[/dim]")
        return
    aligned = Table(title="aligned sentences", expand=True)
    aligned.add_column("sim", justify="right", no_wrap=True)
    aligned.add_column("A", ratio=1)
    aligned.add_column("B", ratio=1)
    for item in evidence["aligned"]:
        aligned.add_row(f"{item['similarity']:.2f}", _text(item["a"]), _text(item["b"]))
    console.print(aligned)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, with an ellipsis when cut."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - 1, 0)) + "…" if width > 0 else ""


def _outlets_text(outlets: tuple[str, ...] | list[str], width: int | None = None) -> str:
    """"bbc.co.uk, reuters.com +2": as many outlets as fit, and how many more."""
    names = list(outlets)
    if not names:
        return "—"
    if width is None:
        return ", ".join(names)
    for shown in range(len(names), 1, -1):
        text = ", ".join(names[:shown]) + (f" +{len(names) - shown}" if shown < len(names) else "")
        if len(text) <= width:
            return text
    more = f" +{len(names) - 1}" if len(names) > 1 else ""
    return _fit(names[0], width - len(more)) + more


def story_date(summary) -> str:
    """The story's publication date as listed: its last one, or "undated" (never the day it was stored)."""
    return (summary.last_published or "")[:10] or "undated"


def render_story_lines(console: Console, stories, total: int, piped: bool) -> None:
    """One line per story: publication date, size, outlets, headline, id.

    In a terminal the line fits its width (outlets and headline cut with …); piped, the columns
    are tab-separated and whole, for ``cut``, ``grep`` or a spreadsheet.
    """
    if piped:
        sys.stdout.write("published\tsize\toutlets\theadline\tid\n")
        for s in stories:
            headline = (s.headline or "").replace("\t", " ").replace("\n", " ")
            sys.stdout.write(f"{story_date(s)}\t{s.size}\t{', '.join(s.outlets)}\t{headline}\t{s.id}\n")
        return
    width = console.width
    outlets_width = max(12, min(30, width // 5))
    # date(10) size(4) outlets id(17) and four 2-space gaps; the headline takes the rest.
    headline_width = max(10, width - 10 - 4 - outlets_width - 17 - 8)
    header = f"{'published':10}  {'size':>4}  {'outlets':{outlets_width}}  {'headline':{headline_width}}  id"
    console.print(Text(_fit(header, width), style="dim"), soft_wrap=True)
    for s in stories:
        headline = _fit((s.headline or "(no headline)").replace("\n", " "), headline_width)
        from rich.cells import cell_len

        line = Text(f"{story_date(s):10}  {s.size:>4}  {_outlets_text(s.outlets, outlets_width):{outlets_width}}  ")
        line.append(headline + " " * max(headline_width - cell_len(headline), 0), style="bold")
        line.append(f"  {s.id}", style="dim")
        console.print(line, soft_wrap=True, no_wrap=True, overflow="ellipsis")
    console.print(Text(f"{len(stories)} of {total} stories", style="dim"))


def render_article_lines(console: Console, articles, total: int, piped: bool, footer: bool = True) -> None:
    """One line per article: publication date (or "undated"), outlet, language, title, id."""
    if piped:
        sys.stdout.write("published\toutlet\tlanguage\ttitle\tid\n")
        for a in articles:
            title = (a.title or "").replace("\t", " ").replace("\n", " ")
            sys.stdout.write(f"{(a.published or '')[:10] or 'undated'}\t{a.outlet or ''}\t{a.language or ''}\t{title}\t{a.id}\n")
        return
    from rich.cells import cell_len

    width = console.width
    outlet_width = max(10, min(24, width // 6))
    title_width = max(10, width - 10 - outlet_width - 4 - 16 - 8)
    console.print(Text(_fit(f"{'published':10}  {'outlet':{outlet_width}}  {'lang':4}  {'title':{title_width}}  id", width), style="dim"), soft_wrap=True)
    for a in articles:
        title = _fit((a.title or "(no title)").replace("\n", " "), title_width)
        line = Text(f"{(a.published or '')[:10] or 'undated':10}  {_fit(a.outlet or '—', outlet_width):{outlet_width}}  {(a.language or '—'):4}  ")
        line.append(title + " " * max(title_width - cell_len(title), 0), style="bold")
        line.append(f"  {a.id}", style="dim")
        console.print(line, soft_wrap=True, no_wrap=True, overflow="ellipsis")
    if footer:
        console.print(Text(f"{len(articles)} of {total} articles", style="dim"))


def progress() -> Any:
    """A progress bar on stderr (only in a terminal): done/total, rate per second, elapsed and ETA."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=stderr_console(), disable=not sys.stderr.isatty(), transient=True,
    )


def rate_text(task: Any) -> str:
    """"12.3/s" once a rate is known."""
    return f"{task.speed:.1f}/s" if task.speed else ""


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Callable[..., None]]:
    """``with progress_bar("ingest", 300) as advance: advance(1)``, or ``advance(completed=n)``."""
    with progress() as bar:
        task_id = bar.add_task(description, total=total, rate="")

        def advance(steps: int = 0, *, completed: int | None = None) -> None:
            if completed is not None:
                bar.update(task_id, completed=completed)
            else:
                bar.advance(task_id, steps)
            task = bar.tasks[0]
            bar.update(task_id, rate=rate_text(task))

        yield advance
