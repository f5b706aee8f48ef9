"""Spark tests: one local SparkSession for the whole session, and a small real corpus built from the repository's samples.

The corpus (built into a temporary folder, nothing is downloaded) holds the 72 texts of
``tests/data/semeval/pairs.jsonl`` (machine-reworded SemEval-2022 articles, see its README) as
JSON Lines records of four outlets over three weeks, each outlet's records ending with its own
slogan line (so outlet templates are learned and stripped), near-duplicates of a dozen of them
(new headline, a paragraph cut, another outlet; one a copy of a copy, so a group is a chain),
an exact repeat, a malformed line, the two HTML pages of ``tests/data/pages`` and the two
bundled sample pages.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from marsad.engine import Engine
from marsad.settings import Settings

# Not skipped when missing: README's test command and CI install the spark extra.
import pyspark  # noqa: E402,F401

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = Path(__file__).resolve().parents[2] / "marsad" / "samples"
SLOGANS = [
    "Follow The Daily Observer on every platform for the latest news",
    "Subscribe to Mirador News and never miss a story again today",
    "تابعوا أخبار المرصد العربي على جميع المنصات لحظة بلحظة",
    "Alle Nachrichten des Tages finden Sie beim Rundblick Kurier online",
]


def _paragraphs(text: str) -> list[str]:
    sentences = [s.strip() for s in text.replace("\n", " ").split(". ") if s.strip()]
    third = max(1, len(sentences) // 3)
    return [". ".join(sentences[i : i + third]) for i in range(0, len(sentences), third)]


def build_corpus(folder: Path) -> Path:
    texts = []
    for line in (DATA / "semeval" / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        texts += [pair["a"]["text"], pair["b"]["text"]]
    records = []
    for number, text in enumerate(texts):
        paragraphs = _paragraphs(text)
        outlet = number % 4
        records.append({"title": paragraphs[0][:80], "text": paragraphs[1:] + [SLOGANS[outlet]], "outlet": f"outlet-{outlet}",
                        "date": f"2024-03-{1 + number // 4:02d}", "url": f"https://outlet{outlet}.example/{number}"})
    copies = []
    for number in range(0, 48, 4):
        original = records[number]
        body = [p for p in original["text"][:-1] if len(p.split()) > 3]
        if len(body) < 2:
            continue
        copy = dict(original, title="Updated: " + original["title"], text=body[:-1] + [body[-1] + " More details followed later."],
                    outlet=f"outlet-{(number + 1) % 4}", url=original["url"] + "?copy")
        copies.append(copy)
    # A copy of a copy: its own edit, so it may match the copy without matching the original.
    copies.append(dict(copies[0], title="Again: " + copies[0]["title"], text=copies[0]["text"][:-1] + ["A last paragraph of its own, added."], url=copies[0]["url"] + "2"))
    records += copies
    records.append(dict(records[5]))  # an exact repeat: same id, kept once
    folder.mkdir(parents=True, exist_ok=True)
    for part in range(4):
        lines = [json.dumps(record, ensure_ascii=False) for record in records[part::4]]
        if part == 2:
            lines.insert(3, "{not json")
        (folder / f"feed-{part}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pages = folder / "pages"
    pages.mkdir()
    for page in ("ar_news.html", "en_news.html"):
        shutil.copy(DATA / "pages" / page, pages / page)
    for sample in ("000_ce9a9260fbf79b5c.txt", "001_c27c747781909a83.txt"):
        shutil.copy(SAMPLES / sample, pages / sample)
    return folder


@pytest.fixture(scope="session")
def spark():
    from marsad.spark.session import spark_session

    session = spark_session("local[2]", app_name="marsad-tests", shuffle_partitions=2)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("spark-corpus") / "corpus")


@pytest.fixture(scope="session")
def hashing_engine() -> Engine:
    return Engine(Settings(encoder="hashing"))
