"""Incremental clustering with the stand-in encoder: join, start, copies, merges, flat cost, recluster."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from marsad.cluster import ClusterSettings, StoryClusterer
from marsad.models import Article
from marsad.store import open_store
from tests.unit.cluster.test_copies import OTHER, TEXT

QUAKE = (
    "A strong earthquake struck the coastal town early on Monday, damaging hundreds of houses and the old harbour, "
    "and the civil defence said thirty people were injured and taken to the hospital in the provincial capital. "
    "Aftershocks continued through the morning and schools were closed across the district."
)


PARAPHRASE = TEXT[:180] + (
    " Helicopters carried food, water and medicine to villages in the northern province that the landslide cut off, "
    "and forty two people are still missing, the governor said. Engineers are checking river bridges; the roads stay closed for three days."
)
# The stand-in encoder finds any two English texts about 0.5 similar (shared function words),
# so these tests set thresholds for it; the real encoder's are chosen in bench/cluster_quality.py.
STAND_IN = ClusterSettings(join=0.6, merge=0.56, entity_weight=0.0)


def _analyse(engine, title, body, published="2024-03-04"):
    return engine.analyse(Article(source="<test>", title=title, paragraphs=(body,), published=published, language="en"))


def test_similar_articles_join_unrelated_start_new(engine):
    store = open_store(":memory:")
    clusterer = StoryClusterer(store, STAND_IN)
    first = _analyse(engine, "Landslide cuts off villages", TEXT)
    second = _analyse(engine, "Villages cut off after landslide", PARAPHRASE)
    other = _analyse(engine, "Central bank holds rates", OTHER)
    [a] = clusterer.add([(first, None)])
    [b, c] = clusterer.add([(second, None), (other, None)])
    assert a.new_story and not b.new_story and b.story_id == a.story_id and b.copy_of is None
    assert c.new_story and c.story_id != a.story_id
    assert store.counts().stories == 2


def test_a_copy_is_linked_to_the_earliest_and_not_counted(engine):
    store = open_store(":memory:")
    clusterer = StoryClusterer(store)
    original = _analyse(engine, "Landslide cuts off villages", TEXT)
    copy = _analyse(engine, "Landslide: villages cut off (agency)", TEXT + " (Reuters)")
    copy_of_copy = _analyse(engine, "Landslide villages", "«" + TEXT + "»")
    [a] = clusterer.add([(original, "reuters.com")])
    b, c = clusterer.add([(copy, "aljazeera.net"), (copy_of_copy, "bbc.com")])
    assert (b.copy_of, b.copy_kind, b.story_id) == (original.article.id, "wire", a.story_id)
    assert c.copy_of == original.article.id  # linked to the earliest copy, not to the copy it matched
    summary = store.stories().items[0]
    assert (summary.size, summary.articles) == (1, 3)
    [member] = store.story(a.story_id).members
    assert {x.id for x in member.copies} == {copy.article.id, copy_of_copy.article.id}


def test_seen_articles_are_not_stored_twice(engine):
    store = open_store(":memory:")
    clusterer = StoryClusterer(store)
    article = _analyse(engine, "Landslide cuts off villages", TEXT)
    [first] = clusterer.add([(article, None)])
    [again, again_in_batch] = clusterer.add([(article, None), (article, None)])
    assert again.seen and again.story_id == first.story_id and again_in_batch.seen
    assert store.counts().articles == 1


def test_an_article_bridging_two_stories_merges_them(engine):
    store = open_store(":memory:")
    clusterer = StoryClusterer(store, STAND_IN)
    landslide = _analyse(engine, "Landslide", TEXT)
    quake = _analyse(engine, "Earthquake", QUAKE)
    [a] = clusterer.add([(landslide, None)])
    [b] = clusterer.add([(quake, None)])
    assert a.story_id != b.story_id
    bridge = _analyse(engine, "Landslide and earthquake", TEXT[:200] + " " + QUAKE[:230])
    [c] = clusterer.add([(bridge, None)])
    assert c.merged, c
    assert len({store.story_of([x.article.id])[x.article.id] for x in (landslide, quake, bridge)}) == 1
    assert store.counts().stories == 1
    assert store.stories().items[0].size == 3


def test_far_apart_in_time_is_penalised(engine):
    settings = STAND_IN
    store = open_store(":memory:")
    clusterer = StoryClusterer(store, settings)
    first = _analyse(engine, "Landslide cuts off villages", TEXT, published="2024-03-04")
    later = _analyse(engine, "Villages cut off after landslide", PARAPHRASE, published="2025-06-01")
    clusterer.add([(first, None)])
    [late] = clusterer.add([(later, None)])
    same_day = StoryClusterer(open_store(":memory:"), settings)
    same_day.add([(first, None)])
    [near] = same_day.add([(replace(later, article=replace(later.article, published="2024-03-05")), None)])
    assert near.score is not None
    assert late.new_story and late.score is None  # a year later: the penalty keeps it out


def test_a_story_that_keeps_being_joined_ends_at_its_longest_span(engine):
    """Reports every other day each join the last (each within a week of the story's end, so no
    time penalty), until one comes more than ``max_span_days`` after the story's first report:
    then a new story begins, which the next reports join. Without the limit, one story for good."""
    days = [f"2024-03-{day:02d}" for day in range(1, 31, 2)]  # every other day over a month
    # One landslide, a new report each time (not copies of each other: copies follow their original whatever the date).
    words = PARAPHRASE[180:].split()
    bodies = [TEXT[:180] + " " + " ".join(random.Random(i).sample(words, len(words))) for i in range(len(days))]
    ended = {}
    for limit in (10, None):
        store = open_store(":memory:")
        clusterer = StoryClusterer(store, replace(STAND_IN, max_span_days=limit))
        placed = [clusterer.add([(_analyse(engine, f"Landslide, day {i}", bodies[i], published=day), None)])[0]
                  for i, day in enumerate(days)]
        ended[limit] = [a.new_story for a in placed]
        spans = [(s.first_published, s.last_published) for s in store.stories().items]
        if limit:
            assert all((date.fromisoformat(last) - date.fromisoformat(first)).days <= limit for first, last in spans), spans
    assert ended[None] == [True] + [False] * (len(days) - 1)
    # 1, 3 … 11 (10 days); 13 … 23; 25 … 29.
    assert ended[10] == [day in ("2024-03-01", "2024-03-13", "2024-03-25") for day in days]


def test_a_late_copy_does_not_close_its_story(engine):
    first = _analyse(engine, "Landslide cuts off villages", TEXT, published="2024-03-01")
    late_copy = _analyse(engine, "Landslide cuts off villages (archive)", TEXT + " (Reuters)", published="2024-05-20")
    report = _analyse(engine, "Villages cut off after landslide", PARAPHRASE, published="2024-03-03")
    clusterer = StoryClusterer(open_store(":memory:"), replace(STAND_IN, max_span_days=10))
    [a] = clusterer.add([(first, None)])
    [b] = clusterer.add([(late_copy, None)])
    [c] = clusterer.add([(report, None)])
    assert (b.copy_of, b.story_id) == (first.article.id, a.story_id)
    assert c.story_id == a.story_id and not c.new_story


def test_two_stories_are_not_merged_past_the_longest_span(engine):
    landslide = _analyse(engine, "Landslide", TEXT, published="2024-03-01")
    quake = _analyse(engine, "Earthquake", QUAKE, published="2024-03-20")
    bridge = _analyse(engine, "Landslide and earthquake", TEXT[:200] + " " + QUAKE[:230], published="2024-03-20")
    stories = {}
    for limit in (30, 10):
        store = open_store(":memory:")
        clusterer = StoryClusterer(store, replace(STAND_IN, max_span_days=limit, time_penalty=0.0))
        clusterer.add([(landslide, None)])
        clusterer.add([(quake, None)])
        [placed] = clusterer.add([(bridge, None)])
        stories[limit] = (store.counts().stories, bool(placed.merged))
    assert stories == {30: (1, True), 10: (2, False)}


def test_store_work_per_article_does_not_grow_with_the_store(engine):
    """Count SQL statements for one more article at two store sizes: flat, not proportional."""
    store = open_store(":memory:")
    clusterer = StoryClusterer(store)
    bodies = [f"Report number {i} on topic {i % 7}: " + (TEXT if i % 2 else OTHER).replace("the", f"the{i % 13}") for i in range(120)]
    statements = []
    store.db.set_trace_callback(statements.append)

    def cost(index):
        statements.clear()
        clusterer.add([(_analyse(engine, f"Report {index}", bodies[index]), None)])
        # marsad's own statements: those SQLite runs inside FTS5 ("-- ..."), which now and then
        # merges its index segments (amortised by design), would make the count depend on when.
        return sum(not statement.startswith("--") for statement in statements)

    small = [cost(i) for i in range(10)][-3:]
    for start in range(10, 110, 25):
        clusterer.add([(_analyse(engine, f"Report {i}", bodies[i]), None) for i in range(start, start + 25)])
    large = [cost(i) for i in range(110, 113)]
    assert store.counts().articles == 113
    assert max(large) <= 1.5 * max(small) + 20, (small, large)


def test_the_pair_judge_can_keep_an_article_out(engine):
    first = _analyse(engine, "Landslide cuts off villages", TEXT)
    second = _analyse(engine, "Villages cut off after landslide", PARAPHRASE)
    placed = {}
    # verify 0.0: every verdict is "different event" (Overall is never below 1), so the paraphrase
    # starts its own story despite its cosine; verify 4.5: no verdict could lower a score, so the
    # judge is not asked and it joins, as it does on the score alone.
    for verify in (0.0, 4.5, None):
        clusterer = StoryClusterer(open_store(":memory:"), replace(STAND_IN, verify=verify))
        [a] = clusterer.add([(first, None)])
        [b] = clusterer.add([(second, None)])
        placed[verify] = b.story_id == a.story_id
    assert placed == {0.0: False, 4.5: True, None: True}


def test_the_engine_keeps_its_clusterer_and_loaded_members_across_calls(engine):
    store, other = open_store(":memory:"), open_store(":memory:")
    clusterer = engine.clusterer(store, STAND_IN)
    assert engine.clusterer(store, STAND_IN) is clusterer  # the HTTP API's next request reuses it
    assert engine.clusterer(store, replace(STAND_IN, join=0.7)) is not clusterer
    assert engine.clusterer(other, STAND_IN).store is other
    # Members loaded for the judge in one call are still loaded in the next.
    articles = [Article(source="<test>", title=title, paragraphs=(body,), published="2024-03-04", language="en")
                for title, body in (("Landslide cuts off villages", TEXT), ("Villages cut off after landslide", PARAPHRASE))]
    engine.ingest_items(articles[:1], store, cluster_settings=STAND_IN)
    engine.ingest_items(articles[1:], store, cluster_settings=STAND_IN)
    kept = engine.clusterer(store, STAND_IN)
    assert articles[0].id in kept._members
