"""An article as the pages show it: fields plus title and paragraphs cut into marked pieces."""

from __future__ import annotations

from dataclasses import dataclass

from marsad.models import Analysed
from marsad.serve.interface import DEFAULT_LANGUAGE, note
from marsad.serve.marks import Piece, UnitMarks
from marsad.store.base import ArticleRef

@dataclass(frozen=True)
class ArticleView:
    id: str
    title: str | None
    title_pieces: tuple[Piece, ...]
    paragraphs: tuple[tuple[Piece, ...], ...]
    outlet: str | None
    published: str | None
    language: str | None
    url: str | None
    dateline: str | None
    agency: str | None
    copies: tuple[ArticleRef, ...] = ()

    @property
    def label(self) -> str:
        """How the page names the article in a heading: its outlet, else its id."""
        return self.outlet or self.id


def article_view(analysed: Analysed, marks: UnitMarks | None = None, *, outlet: str | None = None, copies: tuple[ArticleRef, ...] = ()) -> ArticleView:
    marks = marks or UnitMarks()
    article = analysed.article
    return ArticleView(
        id=article.id,
        title=article.title,
        title_pieces=marks.render("title", article.title or ""),
        paragraphs=tuple(marks.render(f"p{index}", paragraph) for index, paragraph in enumerate(article.paragraphs)),
        outlet=outlet or getattr(article, "outlet", None),
        published=article.published,
        language=article.language,
        url=article.url,
        dateline=article.dateline,
        agency=article.agency,
        copies=copies,
    )


def fact_note(item: dict, who: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The hover note of a one-sided fact: "تنفرد به reuters.com (تاريخ)", "only reuters.com reports this date"."""
    return note("note_only", language, who=who, kind=item.get("kind", "fact"))
