"""Marked text: pieces and segments the templates escape; overlaps are dropped, not drawn wrongly."""

from __future__ import annotations

from marsad.serve.marks import Mark, mark_text
from marsad.serve.story_view import build_timeline
from marsad.store.base import ArticleRef


def flat(pieces):
    return [(piece.number, [(segment.text, segment.kind) for segment in piece.segments]) for piece in pieces]


def test_marks_split_text_into_pieces_that_join_back():
    text = "Talks lasted six hours. They met in Helsinki on Wednesday."
    pieces = mark_text(text, [Mark(24, 58, "aligned", number=1)], [Mark(13, 22, "conflict"), Mark(36, 44, "only")])
    assert "".join(segment.text for piece in pieces for segment in piece.segments) == text
    assert flat(pieces) == [
        (None, [("Talks lasted ", None), ("six hours", "conflict"), (". ", None)]),
        (1, [("They met in ", None), ("Helsinki", "only"), (" on Wednesday.", None)]),
    ]


def test_overlapping_and_crossing_marks_are_dropped():
    text = "abcdefghij"
    pieces = mark_text(text, [Mark(0, 5, "aligned", number=1)], [Mark(1, 3, "only"), Mark(2, 4, "shared"), Mark(4, 7, "only"), Mark(8, 30, "only")])
    assert flat(pieces) == [(1, [("a", None), ("bc", "only"), ("de", None)]), (None, [("fghij", None)])]


def test_empty_text_is_one_empty_piece():
    assert flat(mark_text("", [], [])) == [(None, [])]


def ref(article_id, outlet):
    return ArticleRef(article_id, "t", outlet, None, "ar", None, "s1")


def test_timeline_rows_per_outlet_and_x_by_time():
    timeline = build_timeline([
        ("a.com", "2021-09-22T10:00:00", ref("1", "a.com"), False),
        ("b.com", "2021-09-22T16:00:00", ref("2", "b.com"), False),
        ("a.com", "2021-09-22T13:00:00", ref("3", "a.com"), True),
        ("c.com", None, ref("4", "c.com"), False),  # no time: not drawn
    ])
    assert [label for label, _ in timeline.rows] == ["a.com", "b.com"]
    first, last, middle = timeline.points
    assert first.x < middle.x < last.x
    assert abs((middle.x - first.x) - (last.x - middle.x)) < 0.2  # 13:00 is halfway between 10:00 and 16:00
    assert middle.copy and not first.copy
    assert build_timeline([("a.com", None, ref("1", "a.com"), False)]) is None


def test_timeline_of_dates_labels_days_not_midnights():
    timeline = build_timeline([("a.com", "2021-09-22", ref("1", "a.com"), False), ("b.com", "2021-09-23", ref("2", "b.com"), False)])
    assert [label for _, label in timeline.ticks] == ["2021-09-22", "2021-09-23"]
