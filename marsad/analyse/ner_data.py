"""The gold entity sets of ``../shared/data/ner/``: reading them, and their frozen train/dev/test splits.

Used by ``scripts/train_entity_tagger.py`` (trains on the train parts, tunes on dev) and by
``bench/entities.py`` (scores on test). Never imported at run time.

The splits were fixed before any tagger was trained or tuned, by document where the set has
documents, and are not to be moved:

* **newsfane_gold** (Arabic newswire): blocks of whole news stories, cut where a story starts
  with its dateline ("فرانكفورت ( د ب ا )"): train sentences 0–2070, dev 2071–2365, test 2366–2999.
* **aqmar** (Arabic Wikipedia): whole articles. Test: Enrico_Fermi (381–447) and
  Christiano_Ronaldo (1110–1162); the other 18 articles train.
* **wikigold** (English Wikipedia): contiguous blocks, train 0–1189, dev 1190–1355, test 1356–1695.
  The shared copy dropped the ``-DOCSTART-`` lines, so at most one article straddles each cut.
* **uner_en_ewt** (English web text): its own parts. Test is ``test.tsv``; ``dev.tsv`` trains,
  its last 400 sentences being the dev part.

:data:`EVALUATION_ONLY` holds a set annotated in this repository because the shared ones have no
English news: **en_news_marsad**, 181 lead sentences of 38 English news pages
(``bench/data/en_news_marsad/``, annotated before any marsad tagger read them). It has a test
part only; the training scripts read :data:`CORPORA` alone.

Every sentence's text is its tokens joined by single spaces (how the sets are scored from
outside); gold spans are character offsets into that text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ner"  # ../shared/data/ner from the project root
LABELS = ("PER", "LOC", "ORG", "MISC")
SCORED = ("PER", "LOC", "ORG")


@dataclass(frozen=True)
class GoldSentence:
    """One gold sentence: its tokens and BIO tags, and the text and spans built from them."""

    corpus: str
    index: int  # sentence number in its file
    tokens: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def token_offsets(self) -> list[tuple[int, int]]:
        offsets, position = [], 0
        for token in self.tokens:
            offsets.append((position, position + len(token)))
            position += len(token) + 1
        return offsets

    def spans(self, types: tuple[str, ...] = SCORED) -> list[tuple[int, int, str]]:
        """Gold entities as ``(start, end, type)`` character spans of :attr:`text`."""
        offsets, spans = self.token_offsets, []
        i = 0
        while i < len(self.tags):
            tag = self.tags[i]
            if tag.startswith(("B-", "I-")):
                kind, j = tag[2:], i + 1
                while j < len(self.tags) and self.tags[j] == f"I-{kind}":
                    j += 1
                if kind in types:
                    spans.append((offsets[i][0], offsets[j - 1][1], kind))
                i = j
            else:
                i += 1
        return spans


@dataclass(frozen=True)
class Corpus:
    name: str
    language: str
    domain: str
    files: tuple[str, ...]
    # Sentence ranges [start, end) of each part, per file; a file missing from a part has none in it.
    parts: dict
    root: Path | None = None  # the folder holding the corpus's folder, when not the shared data's


CORPORA = {
    "newsfane_gold": Corpus(
        "newsfane_gold", "ar", "newswire", ("sentences.tsv",),
        {"train": {"sentences.tsv": [(0, 2071)]}, "dev": {"sentences.tsv": [(2071, 2366)]}, "test": {"sentences.tsv": [(2366, 3000)]}},
    ),
    "aqmar": Corpus(
        "aqmar", "ar", "wikipedia", ("test.tsv",),
        {"train": {"test.tsv": [(0, 381), (448, 1110), (1163, 1976)]}, "dev": {}, "test": {"test.tsv": [(381, 448), (1110, 1163)]}},
    ),
    "wikigold": Corpus(
        "wikigold", "en", "wikipedia", ("test.tsv",),
        {"train": {"test.tsv": [(0, 1190)]}, "dev": {"test.tsv": [(1190, 1356)]}, "test": {"test.tsv": [(1356, 1696)]}},
    ),
    "uner_en_ewt": Corpus(
        "uner_en_ewt", "en", "web", ("dev.tsv", "test.tsv"),
        {"train": {"dev.tsv": [(0, 1601)]}, "dev": {"dev.tsv": [(1601, 2001)]}, "test": {"test.tsv": [(0, 2077)]}},
    ),
}


# Annotated here, for measuring only: never trained or tuned on.
EVALUATION_ONLY = {
    "en_news_marsad": Corpus(
        "en_news_marsad", "en", "news", ("sentences.tsv",),
        {"train": {}, "dev": {}, "test": {"sentences.tsv": [(0, 181)]}},
        root=Path(__file__).resolve().parents[2] / "bench" / "data",
    ),
}


def read_tsv(path: Path, corpus: str) -> list[GoldSentence]:
    """``token<TAB>tag`` lines, a blank line after each sentence; a ``# `` line without a tab is a comment (its source)."""
    sentences, tokens, tags = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and "\t" not in line:
            continue
        if not line.strip():
            if tokens:
                sentences.append(GoldSentence(corpus, len(sentences), tuple(tokens), tuple(tags)))
                tokens, tags = [], []
            continue
        token, tag = line.split("\t")[:2]
        tokens.append(token)
        tags.append(tag)
    if tokens:
        sentences.append(GoldSentence(corpus, len(sentences), tuple(tokens), tuple(tags)))
    return sentences


def load_part(corpus: str, part: str, root: Path = DEFAULT_ROOT) -> list[GoldSentence]:
    """The sentences of one part (``train``, ``dev``, ``test``) of one corpus."""
    spec = CORPORA.get(corpus) or EVALUATION_ONLY[corpus]
    out = []
    for filename, ranges in spec.parts[part].items():
        sentences = read_tsv((spec.root or root) / corpus / filename, corpus)
        for start, end in ranges:
            out.extend(sentences[start:end])
    return out
