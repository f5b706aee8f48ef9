"""Why each article is in its story: what it shares with the others, how close it is to them,
and the earlier member it is closest to.

Read from the stored analyses after the fact, for the CLI (``marsad story``), the HTTP API
(``/api/stories/{id}``: each member's ``joined``) and the story page, with the same names:

* ``score_against_story``: cosine of the article's pair-encoder vector (its document vector
  when it has none) with the mean of the other independent members' — what "same event" scores
  read; 1 is the same text, below about 0.5 it shares little with the rest.
* ``matched_article``: the earlier member it is most similar to (None for the article that
  started the story), and ``matched_score``, that similarity.
* ``shared_entities``: the entities it names that other members name too, most shared first.

Only the independent members are read (a copy is in the story because it copies its original),
at most :data:`MAX_MEMBERS` of them, so a big story costs what a small one does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from marsad.store.base import EntityCount, Store, StoryDetail

#: Members explained; the rest of a bigger story are not (their reasons would not be read).
MAX_MEMBERS = 60
#: Entities listed per member.
MAX_SHARED = 5


@dataclass(frozen=True)
class Membership:
    """Why one member is in its story (see the module docstring for each field)."""

    article_id: str
    score_against_story: float | None
    matched_article: str | None
    matched_score: float | None
    shared_entities: tuple[EntityCount, ...]  # ``articles``: how many members of the story name it

    def as_dict(self) -> dict[str, Any]:
        return {
            "score_against_story": self.score_against_story,
            "matched_article": self.matched_article,
            "matched_score": self.matched_score,
            "shared_entities": [entity.as_dict() for entity in self.shared_entities],
        }


def _unit(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def explain_members(detail: StoryDetail, store: Store) -> dict[str, Membership]:
    """Article id → :class:`Membership` for the story's independent members (oldest first)."""
    ids = [member.article.id for member in detail.members if not member.article.copy_of][:MAX_MEMBERS]
    pair_vectors, document_vectors, entities = {}, {}, {}
    for article_id in ids:
        analysed = store.analysed(article_id)
        stored = store.article(article_id)
        if analysed is None or stored is None:
            continue
        pair_vectors[article_id] = analysed.analysis.pair_vector
        document_vectors[article_id] = analysed.analysis.document_vector
        entities[article_id] = {entity.id: entity for entity in stored.entities}
    ids = [article_id for article_id in ids if article_id in entities]
    # The pair encoder's vectors when every member has one, else the document vectors.
    chosen = pair_vectors if all(pair_vectors[i] is not None for i in ids) else document_vectors
    vectors = {article_id: _unit(chosen[article_id]) for article_id in ids}
    named_by: dict[str, int] = {}
    for article_id in ids:
        for entity_id in entities[article_id]:
            named_by[entity_id] = named_by.get(entity_id, 0) + 1
    dims = {vector.shape for vector in vectors.values()}
    comparable = len(dims) == 1  # articles analysed with different encoders cannot be compared
    matrix = np.stack([vectors[article_id] for article_id in ids]) if ids and comparable else None
    similarities = matrix @ matrix.T if matrix is not None else None
    result = {}
    for index, article_id in enumerate(ids):
        score = matched = matched_score = None
        if similarities is not None and len(ids) > 1:
            others = np.delete(matrix, index, axis=0).sum(axis=0)
            norm = float(np.linalg.norm(others))
            score = round(float(matrix[index] @ others / norm), 3) if norm else None
            if index > 0:
                best = int(np.argmax(similarities[index, :index]))
                matched, matched_score = ids[best], round(float(similarities[index, best]), 3)
        shared = sorted((entity for entity_id, entity in entities[article_id].items() if named_by[entity_id] > 1),
                        key=lambda entity: (-named_by[entity.id], -entity.mentions, entity.id))
        result[article_id] = Membership(
            article_id, score, matched, matched_score,
            tuple(EntityCount(entity.id, entity.kind, entity.label, named_by[entity.id]) for entity in shared[:MAX_SHARED]),
        )
    return result


def story_with_reasons(detail: StoryDetail, reasons: dict[str, Membership]) -> dict[str, Any]:
    """``detail.as_dict()`` with each member's ``joined`` (None where not explained): the JSON of
    ``/api/stories/{id}`` and ``marsad story --json``."""
    data = detail.as_dict()
    for member in data["members"]:
        reason = reasons.get(member["id"])
        member["joined"] = reason.as_dict() if reason else None
    return data
