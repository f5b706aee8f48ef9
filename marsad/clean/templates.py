"""Outlet templates: boilerplate learned from the lines that recur across one outlet's pages.

The fixed filters of the cleaners know the phrases most sites share ("share", "read also",
cookie notices); every outlet also has lines of its own (its slogan, its newsletter plug, an
"about us" blurb, a disclaimer) that no list can know. Seen over enough of the outlet's pages,
they give themselves away: the same line, in different stories.

"Different stories" is the point. Two articles of one story repeat each other's sentences
(an update, a rewrite, a republished wire), and a long background paragraph can recur across
a running story's articles; none of that is boilerplate. So a line counts once per *distinct*
story it appears in (articles that share many word pairs are one story, by a MinHash estimate),
and only short lines or lines at the edges of the text (where sites put their furniture) can
become template lines. A line becomes part of the template after ``MIN_STORIES`` distinct stories.

Templates are plain data (:meth:`OutletTemplates.to_dict`), so the store can keep them and a page
seen alone later is cleaned with what its outlet's earlier pages taught.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
import regex

from marsad.analyse.normalise import normalise
from marsad.models import Article

MIN_STORIES = 3  # a line seen in this many distinct stories of one outlet is its boilerplate
# Two articles sharing this share of their word pairs tell one story (one copies or updates the
# other). On WikiRef220, articles of different events share 0.02 (median) to 0.06 (99.9th
# percentile) of their word pairs by this estimate.
SAME_STORY_JACCARD = 0.1
SHORT_LINE_WORDS = 12  # short lines (slogans, plugs, credits) may become template lines anywhere
EDGE_SHARE = 0.2  # longer lines only in the first or last fifth of an article
MAX_FINGERPRINTS = MIN_STORIES  # a line needs no more distinct stories than that to be decided
MAX_CANDIDATES = 20_000  # candidate lines kept per outlet; the least seen are dropped beyond that
# Saving an outlet's template rewrites all of it (up to MAX_CANDIDATES lines with their stories'
# fingerprints: megabytes), so during an ingest it is written when its template lines changed, at
# most once per SAVE_MIN_PAGES of its pages, and at least once per SAVE_EVERY_PAGES; the rest at
# the end. Written after every batch, it took a third of the writer's time by 20,000 articles,
# growing with the store (bench/soak.py).
SAVE_MIN_PAGES = 500
SAVE_EVERY_PAGES = 2000
_PERMUTATIONS = 64
_SEED = 8  # fixed: fingerprints are stored, and must compare equal across runs

_NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")
_WORD = regex.compile(r"\p{L}{2,}")


def line_key(line: str) -> str | None:
    """The identity of a line across pages: normalised letters and digits, hashed.

    Digits become 0 so that "© 2023" and "© 2024" are one line. Lines of fewer than two
    words have no key: single words recur everywhere and carry no template signal.
    """
    words = _NOT_WORD.sub(" ", normalise(line)).split()
    if len(words) < 2:
        return None
    text = regex.sub(r"\d", "0", " ".join(words))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def fingerprint(article: Article) -> np.ndarray:
    """A MinHash of the word pairs of the article's middle, to tell whether two articles tell one story.

    The edges are left out, and short lines too, because that is where an outlet's furniture sits:
    counted in, it would make every two pages of the outlet look alike.
    """
    lines = article.paragraphs
    middle = [line for index, line in enumerate(lines) if not _at_edge(index, len(lines)) and len(line.split()) > 5]
    words = _WORD.findall(normalise(" ".join(middle or lines)))
    pairs = {f"{first} {second}" for first, second in zip(words, words[1:])}
    return minhash([pair.encode() for pair in sorted(pairs)]).astype(np.uint64)


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash(values: list[bytes], num_perm: int = _PERMUTATIONS, seed: int = _SEED) -> np.ndarray:
    """datasketch's ``MinHash(num_perm, seed).update_batch(values).hashvalues`` (its default
    "affine32" scheme, bit for bit: a test holds them equal), without importing datasketch, whose
    package imports scipy (half a second) and would make every ``marsad clean`` start slow.
    """
    with np.errstate(over="ignore"):  # the uint32 wraparound is the scheme's modulo 2^32
        signature = np.full(num_perm, np.uint32(0xFFFFFFFF), dtype=np.uint32)
        if not values:
            return signature
        hashed = np.array([int.from_bytes(hashlib.sha1(value).digest()[:4], "little") for value in values], dtype=np.uint32).reshape(-1, 1)
        hashed ^= hashed >> np.uint32(16)  # the MurmurHash3 finalizer, as datasketch pre-mixes
        hashed *= np.uint32(0x85EBCA6B)
        hashed ^= hashed >> np.uint32(13)
        hashed *= np.uint32(0xC2B2AE35)
        hashed ^= hashed >> np.uint32(16)
        a, b = _permutations(num_perm, seed)
        return np.minimum(signature, (hashed * a + b).min(axis=0))


def _same_story(a: np.ndarray, b: np.ndarray) -> bool:
    return float(np.mean(a == b)) >= SAME_STORY_JACCARD


@dataclass
class _Candidate:
    """A line seen on an outlet's pages, with the fingerprints of the distinct stories it was in."""

    stories: list[np.ndarray] = field(default_factory=list)
    is_template: bool = False


def _story_text(sketch: np.ndarray) -> str:
    # A fingerprint's values are 32-bit MinHash values (see fingerprint): stored as the hex of
    # their little-endian bytes, which JSON writes in one piece instead of 64 numbers.
    return np.asarray(sketch, dtype="<u4").tobytes().hex()


def _story_values(stored: str | list[int]) -> np.ndarray:
    """A stored fingerprint: hex (since the soak fix) or a list of numbers (as earlier stores kept it)."""
    if isinstance(stored, str):
        return np.frombuffer(bytes.fromhex(stored), dtype="<u4").astype(np.uint64)
    return np.asarray([int(value) for value in stored], dtype=np.uint64)


@dataclass
class OutletTemplate:
    """What marsad has learned of one outlet's boilerplate."""

    outlet: str
    pages: int = 0
    candidates: dict[str, _Candidate] = field(default_factory=dict)
    # The keys of the decided lines, kept as they are decided: every article stripped reads them,
    # and gathering them from thousands of candidates each time cost a millisecond an article.
    _template: set[str] = field(default_factory=set, repr=False, compare=False)

    def template_keys(self) -> set[str]:
        """The keys of the outlet's boilerplate lines (the template's own set: do not modify it)."""
        return self._template

    def observe(self, article: Article, article_fingerprint: np.ndarray | None = None) -> None:
        """Count the article's lines (paragraphs) towards the outlet's template."""
        self.pages += 1
        sketch = fingerprint(article) if article_fingerprint is None else article_fingerprint
        lines = list(article.paragraphs)
        seen: set[str] = set()
        for index, line in enumerate(lines):
            key = line_key(line)
            if key is None or key in seen:
                continue
            seen.add(key)
            if not _may_be_template(line, index, len(lines)):
                continue
            candidate = self.candidates.setdefault(key, _Candidate())
            if candidate.is_template:
                continue
            if any(_same_story(sketch, other) for other in candidate.stories):
                continue
            candidate.stories.append(sketch)
            if len(candidate.stories) >= MIN_STORIES:
                candidate.is_template = True
                candidate.stories = []  # decided; its fingerprints are no longer needed
                self._template.add(key)
        if len(self.candidates) > MAX_CANDIDATES:
            self._forget_rare()

    def _forget_rare(self) -> None:
        # Keep decided lines and the most-seen candidates; one-off lines are the bulk of the growth.
        ranked = sorted(self.candidates.items(), key=lambda item: (not item[1].is_template, -len(item[1].stories)))
        self.candidates = dict(ranked[: MAX_CANDIDATES // 2])
        self._template = {key for key, candidate in self.candidates.items() if candidate.is_template}

    def to_dict(self) -> dict:
        return {
            "outlet": self.outlet,
            "pages": self.pages,
            "template": sorted(self._template),
            "candidates": {key: [_story_text(story) for story in c.stories] for key, c in sorted(self.candidates.items()) if not c.is_template},
        }

    @classmethod
    def from_dict(cls, data: dict) -> "OutletTemplate":
        template = cls(outlet=data["outlet"], pages=int(data.get("pages", 0)))
        for key in data.get("template", []):
            template.candidates[key] = _Candidate(is_template=True)
            template._template.add(key)
        for key, stories in data.get("candidates", {}).items():
            template.candidates[key] = _Candidate(stories=[_story_values(story) for story in stories])
        return template


def _state(template: OutletTemplate) -> tuple[int, int]:
    return template.pages, len(template.template_keys())


def _at_edge(index: int, count: int) -> bool:
    position = index / max(count - 1, 1)
    return position <= EDGE_SHARE or position >= 1 - EDGE_SHARE


def _may_be_template(line: str, index: int, count: int) -> bool:
    return len(line.split()) <= SHORT_LINE_WORDS or _at_edge(index, count)


class OutletTemplates:
    """Templates of many outlets: learn from articles, strip learned boilerplate from articles.

    Args:
        templates: templates known from the start.
        load: reads an outlet's stored template (``Store.outlet_template``) the first time the
            outlet is met, so a page seen alone is cleaned with what earlier pages taught.
    """

    def __init__(self, templates: Iterable[OutletTemplate] = (), load: Callable[[str], dict | None] | None = None):
        self.by_outlet: dict[str, OutletTemplate] = {template.outlet: template for template in templates}
        self._load = load
        self.changed: set[str] = set()  # outlets observed since their last save
        # outlet → (pages, template lines) when last saved, or as given or loaded
        self._saved: dict[str, tuple[int, int]] = {outlet: _state(template) for outlet, template in self.by_outlet.items()}
        # Ingest with worker processes learns in the pool's feeder thread and saves in the main one.
        self.lock = threading.RLock()

    def get(self, outlet: str) -> OutletTemplate:
        if outlet not in self.by_outlet:
            data = self._load(outlet) if self._load else None
            template = self.by_outlet[outlet] = OutletTemplate.from_dict(data) if data else OutletTemplate(outlet)
            self._saved[outlet] = _state(template)
        return self.by_outlet[outlet]

    def observe(self, outlet: str | None, article: Article) -> None:
        if outlet:
            self.get(outlet).observe(article)
            self.changed.add(outlet)

    def save(self, save: Callable[[str, dict], None], *, final: bool = True) -> None:
        """Write the templates observed since their last save (``Store.save_outlet_template``).

        ``final=False`` (between the batches of an ingest) writes only the outlets due by
        :data:`SAVE_MIN_PAGES` and :data:`SAVE_EVERY_PAGES`; the ingest ends with a final save.
        """
        with self.lock:
            due = sorted(outlet for outlet in self.changed if final or self._due(outlet))
            snapshots = {outlet: self.by_outlet[outlet].to_dict() for outlet in due}
            for outlet in due:
                self._saved[outlet] = _state(self.by_outlet[outlet])
            self.changed.difference_update(due)
        for outlet, data in snapshots.items():
            save(outlet, data)

    def _due(self, outlet: str) -> bool:
        template = self.by_outlet[outlet]
        pages, lines = self._saved.get(outlet, (0, 0))
        new_pages = template.pages - pages
        return new_pages >= SAVE_EVERY_PAGES or (new_pages >= SAVE_MIN_PAGES and len(template.template_keys()) != lines)

    def apply(self, outlet: str | None, article: Article) -> Article:
        """The article without the lines its outlet's template marks as boilerplate.

        The article is returned unchanged when the template would leave it without a body.
        """
        if not outlet:
            return article
        template = self.get(outlet)
        keys = template.template_keys()
        if not keys:
            return article
        kept = tuple(line for line in article.paragraphs if line_key(line) not in keys)
        if len(kept) == len(article.paragraphs) or not kept:
            return article
        return replace(article, paragraphs=kept, cleaned_id=article.id)


def outlet_key(article: Article) -> str | None:
    """Which outlet's template an article belongs to: its outlet (given, site name or URL host),
    else the folder its file is in (a folder of saved pages is usually one site's)."""
    if article.outlet:
        return article.outlet
    source = article.source
    if "/" in source and not source.startswith("<"):
        folder = source.rsplit("/", 1)[0]
        return f"folder:{folder.split(':', 1)[0]}" if folder else None
    return None


def clean_with_templates(articles: list[Article], templates: OutletTemplates) -> list[Article]:
    """Learn from a batch of one or many outlets' articles, then strip each outlet's boilerplate.

    Learning first, applying after, lets the batch teach itself: the first page of an outlet
    loses its template lines as well as the last.
    """
    with templates.lock:
        for article in articles:
            templates.observe(outlet_key(article), article)
        return [templates.apply(outlet_key(article), article) for article in articles]


def strip_templates(items: Iterable[Article | Exception], templates: OutletTemplates, batch_size: int = 500) -> Iterator[Article | Exception]:
    """:func:`clean_with_templates` over a stream, ``batch_size`` articles at a time, in order.

    Errors in the stream (pages that could not be read) pass through where they were.
    """
    pending: list[Article | Exception] = []

    def flush() -> Iterator[Article | Exception]:
        articles = iter(clean_with_templates([item for item in pending if isinstance(item, Article)], templates))
        for item in pending:
            yield next(articles) if isinstance(item, Article) else item
        pending.clear()

    for item in items:
        pending.append(item)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()
