"""``marsad score-pairs``: the seven scores for a batch of article pairs, one JSON line per pair.

Inputs:

* JSON Lines, one pair a line: ``{"id": …, "a": {"title": …, "text": …, "language": …}, "b": {…}}``
  (a pair without ``id`` is named by where it stands, ``file:line``),
  or SemEval's own layout ``{"pair_id": …, "text1": …, "text2": …, "lang1": …, "lang2": …}``
  (``language`` and ``title`` are optional; ``published`` and ``agency`` are used when given);
* a CSV in the SemEval-2022 Task 8 layout: ``pair_id`` (``<id1>_<id2>``), ``url1_lang``,
  ``url2_lang``, with the downloaded article files (``<id>.json``: ``title``, ``text``,
  ``publish_date``) anywhere under the CSV's folder; or with the texts inline (``text1``,
  ``text2``, ``lang1``, ``lang2``, as in the published reworded copies).

Each distinct article is analysed once (keyed by its text), however many pairs it is in, and
the encoder runs over batches of articles. A bad line gets one error line on stderr naming the
file and line; the other pairs are still scored and the exit code is 1.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from marsad.cli._jsonl import STDIN, count_records, head_bytes, json_records, open_text
from marsad.cli._options import pair_encoder_option
from marsad.cli._output import print_json_line, stderr_console
from marsad.clean.plain import iso_date
from marsad.errors import InputError, MalformedInput, MarsadError
from marsad.ingest.decode import check_page
from marsad.models import Analysed, Article
from marsad.settings import ENCODERS, Settings

BATCH_PAIRS = 128  # pairs scored together: enough to batch the encoder, small enough to stream
REMEMBERED_ARTICLES = 20_000  # analysed articles kept for later pairs (most recent first)


@dataclass(frozen=True)
class PairInput:
    pair_id: object
    a: Article
    b: Article


def _article(record: object, source: str, side: str) -> Article:
    if not isinstance(record, dict):
        raise MalformedInput(source, f'"{side}" must be an object with "text" (and optionally "title", "language")')
    text = record.get("text")
    title = record.get("title")
    if not isinstance(text, str) or not (text.strip() or (isinstance(title, str) and title.strip())):
        raise MalformedInput(source, f'"{side}" has no text')
    if title is not None and not isinstance(title, str):
        raise MalformedInput(source, f'"{side}.title" must be a string')
    paragraphs = tuple(p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip())
    language = record.get("language") or record.get("lang")
    published = record.get("published") or record.get("publish_date") or record.get("date")
    article = Article(
        source=f"{source}:{side}",
        title=(title or "").strip() or None,
        paragraphs=paragraphs,
        language=language if isinstance(language, str) and language else None,
        # As clean reads a feed's date: ISO, RFC 2822 ("Fri, 05 Nov 2021 …"), Unix time, "5 November 2021".
        published=iso_date(str(published)) if published not in (None, "") and not isinstance(published, bool) else None,
        agency=record.get("agency") if isinstance(record.get("agency"), str) else None,
    )
    check_page(article)  # NUL, control characters, a lone surrogate: this pair's error, not the batch's
    return article


def read_jsonl(path: Path) -> Iterator[PairInput | InputError]:
    for item in json_records(path):
        if isinstance(item, InputError):
            yield item
            continue
        source, number, record = item
        if isinstance(record, dict) and "a" not in record and "text1" in record and "text2" in record:
            # The SemEval-2022 layout with the texts inline (as the CSV's text1/text2 columns).
            record = {"id": record.get("pair_id", record.get("id", source)),
                      "a": {"text": record["text1"], "language": record.get("lang1") or record.get("url1_lang")},
                      "b": {"text": record["text2"], "language": record.get("lang2") or record.get("url2_lang")}}
        if not isinstance(record, dict) or "a" not in record or "b" not in record:
            yield MalformedInput(source, 'expected an object with "a" and "b" articles, or SemEval\'s "text1" and "text2"')
            continue
        try:
            yield PairInput(record.get("id", source), _article(record["a"], source, "a"), _article(record["b"], source, "b"))  # no id: "file:line"
        except InputError as error:
            yield error


def _article_files(folder: Path) -> dict[str, Path]:
    """``<id>.json`` files under ``folder`` (the SemEval downloader nests them by id suffix)."""
    return {path.stem: path for path in sorted(folder.rglob("*.json"))}


def read_csv(path: Path) -> Iterator[PairInput | InputError]:
    csv.field_size_limit(sys.maxsize)
    files: dict[str, Path] | None = None
    with open_text(path, newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "pair_id" not in reader.fieldnames:
            yield MalformedInput(str(path), 'not a SemEval pairs CSV (no "pair_id" column)')
            return
        inline = "text1" in reader.fieldnames and "text2" in reader.fieldnames
        for number, row in enumerate(reader, 2):
            source = f"{path}:{number}"
            pair_id = (row.get("pair_id") or "").strip()
            ids = pair_id.split("_")
            try:
                if inline:
                    a = {"text": row.get("text1") or "", "language": row.get("lang1") or row.get("url1_lang")}
                    b = {"text": row.get("text2") or "", "language": row.get("lang2") or row.get("url2_lang")}
                else:
                    if len(ids) != 2:
                        raise MalformedInput(source, f"pair_id {pair_id!r} is not <id1>_<id2>")
                    if files is None:
                        files = _article_files(path.parent)
                    a, b = (_read_article_file(files, ids[k], row.get(f"url{k + 1}_lang"), source) for k in (0, 1))
                yield PairInput(pair_id, _article(a, source, "a"), _article(b, source, "b"))
            except InputError as error:
                yield error


def _read_article_file(files: dict[str, Path], article_id: str, language: str | None, source: str) -> dict:
    path = files.get(article_id)
    if path is None:
        raise MalformedInput(source, f"no article file {article_id}.json under the CSV's folder")
    try:
        record = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, json.JSONDecodeError) as error:
        raise MalformedInput(str(path), f"cannot read the article ({error})") from None
    if not isinstance(record, dict):
        raise MalformedInput(str(path), "the article file is not a JSON object")
    return {"title": record.get("title"), "text": record.get("text") or "", "language": language, "published": record.get("publish_date")}


def read_pairs(path: Path) -> Iterator[PairInput | InputError]:
    """Pairs from a JSON Lines or CSV file (told apart by the first character of the content)."""
    try:
        head = head_bytes(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    except (OSError, EOFError, zlib.error) as error:
        yield InputError(str(path), f"cannot read ({getattr(error, 'strerror', None) or error})")
        return
    if not head:
        yield InputError(str(path), "empty file")
        return
    yield from (read_jsonl(path) if head.startswith(b"{") else read_csv(path))


def _count_lines(path: Path) -> int | None:
    if path == STDIN or path.suffix.lower() == ".gz":
        return None  # not read twice
    return count_records(path)


def _key(article: Article) -> str:
    digest = hashlib.sha1()
    for part in (article.language or "", article.title or "", article.text, article.published or "", article.agency or ""):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


class BatchScorer:
    """Analyses each distinct article once and scores pairs in batches."""

    def __init__(self, encoder: str, pair_encoder: str = "auto"):
        from marsad.compare.judge import PairScorer
        from marsad.compare.model import model_for_dim
        from marsad.engine import Engine

        self.engine = Engine(Settings(encoder=encoder, pair_encoder=pair_encoder))
        self.scorer = PairScorer(model_for_dim(self.engine.analyser.encoder.dim))
        self.analysed: OrderedDict[str, Analysed] = OrderedDict()

    def score(self, batch: list[PairInput]) -> list[dict]:
        wanted: dict[str, Article] = {}
        for pair in batch:
            for article in (pair.a, pair.b):
                key = _key(article)
                if key in self.analysed:
                    self.analysed.move_to_end(key)
                else:
                    wanted.setdefault(key, article)
        for key, result in zip(wanted, self.engine.analyser.analyse_many(list(wanted.values()))):
            self.analysed[key] = result
        pairs = [(self.analysed[_key(pair.a)], self.analysed[_key(pair.b)]) for pair in batch]
        scores = self.scorer.score_many(pairs)
        while len(self.analysed) > max(REMEMBERED_ARTICLES, 2 * len(batch)):
            _, old = self.analysed.popitem(last=False)
            self.scorer.forget(old)
        dimensions = [dimension.value for dimension in self.scorer.model.dimensions]
        return [{"id": pair.pair_id, "scores": {name: round(float(value), 2) for name, value in zip(dimensions, row)}} for pair, row in zip(batch, scores)]


@click.command("score-pairs")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
# The output is always JSON Lines: --json is accepted for scripts that pass it, and not listed.
@click.option("--json", "as_json", is_flag=True, hidden=True)
@click.option(
    "--encoder",
    type=click.Choice(ENCODERS),
    default="use",
    show_default=True,
    help="Sentence encoder: use (fast, the default), e5 (slower) or hashing (a test stand-in).",
)
@pair_encoder_option
def score_pairs(file: Path, as_json: bool, encoder: str, pair_encoder: str) -> None:
    """Score a batch of article pairs (JSON Lines or a SemEval CSV): one line {"id", "scores"} per pair.

    \b
    Examples:
      marsad score-pairs pairs.jsonl > scores.jsonl
      marsad score-pairs semeval/ar_ar_pairs_with_text.jsonl --encoder e5
      marsad score-pairs semeval/train.csv
    """
    try:
        scorer = BatchScorer(encoder, pair_encoder)
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    errors = stderr_console()
    failed = 0
    total = _count_lines(file) if sys.stderr.isatty() else None
    progress = None
    if total:
        from rich.progress import Progress

        progress = Progress(console=errors, transient=True)
        task = progress.add_task("scoring pairs", total=total)
        progress.start()
    try:
        batch: list[PairInput] = []

        def flush() -> None:
            for line in scorer.score(batch):
                print_json_line(line)
            if progress:
                progress.advance(task, len(batch))
            batch.clear()

        for item in read_pairs(file):
            if isinstance(item, InputError):
                failed += 1
                errors.print(f"[red]error[/red] {item}", highlight=False, soft_wrap=True)
                continue
            batch.append(item)
            if len(batch) >= BATCH_PAIRS:
                flush()
        if batch:
            flush()
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    finally:
        if progress:
            progress.stop()
    sys.exit(1 if failed else 0)
