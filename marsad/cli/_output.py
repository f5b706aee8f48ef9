"""Terminal rendering shared by the commands (rich), and the one-line error format."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from marsad.analyse.normalise import is_arabic_script
from marsad.models import Article, Comparison


def stdout_console() -> Console:
    return Console(soft_wrap=False)


def stderr_console() -> Console:
    return Console(stderr=True)


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
    return _text(str(item.get("text") or ""), label=f"{item['kind']}: ")


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
            label = item.get("label") or str(item.get("value"))
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

    aligned = Table(title="aligned sentences", expand=True)
    aligned.add_column("sim", justify="right", no_wrap=True)
    aligned.add_column("A", ratio=1)
    aligned.add_column("B", ratio=1)
    for item in evidence["aligned"]:
        aligned.add_row(f"{item['similarity']:.2f}", _text(item["a"]), _text(item["b"]))
    console.print(aligned)
