"""Language identification: a configurable set, every language the encoder covers by default, `und` when unsure."""

from __future__ import annotations

import pytest

from marsad.analyse.language import UNDETERMINED, LanguageIdentifier
from marsad.errors import ConfigError
from marsad.settings import ENCODER_LANGUAGES, LINGUA_LANGUAGES, Settings

# Written for the tests: one report in Portuguese and one in Indonesian, which the old fixed set of
# 12 languages called Spanish and Turkish.
PORTUGUESE = ("O presidente reuniu-se com o ministro das finanças na segunda-feira para discutir o novo orçamento, "
              "que prevê cortes nas despesas públicas e um aumento dos impostos sobre os combustíveis.")
INDONESIAN = ("Presiden bertemu dengan menteri keuangan pada hari Senin untuk membahas rencana anggaran baru, yang "
              "mencakup pemotongan belanja pemerintah dan kenaikan pajak bahan bakar.")


def test_language_default_set_follows_the_encoder():
    assert Settings(encoder="use").languages == ENCODER_LANGUAGES["use"]
    assert "pt" in Settings(encoder="use").languages
    assert "id" in Settings(encoder="e5").languages and len(Settings(encoder="e5").languages) > 60
    assert set(Settings(encoder="e5").languages) <= set(LINGUA_LANGUAGES)
    assert Settings(languages=("AR", "en", "en")).languages == ("ar", "en")
    assert Settings(encoder="use").with_(encoder="e5").languages == ENCODER_LANGUAGES["e5"]  # the default follows the encoder
    assert Settings(languages=("ar", "en")).with_(encoder="e5").languages == ("ar", "en")  # a choice stays


def test_language_unknown_code_is_one_clear_error():
    with pytest.raises(ConfigError, match=r"languages: unknown code xx .*ISO 639-1"):
        Settings(languages=("ar", "xx"))
    with pytest.raises(ConfigError, match="languages"):
        LanguageIdentifier(("ar", "klingon"))


def test_language_portuguese_is_not_spanish():
    assert LanguageIdentifier(ENCODER_LANGUAGES["use"]).detect(PORTUGUESE) == "pt"


def test_language_indonesian_with_e5_set():
    assert LanguageIdentifier(ENCODER_LANGUAGES["e5"]).detect(INDONESIAN) in {"id", "ms", UNDETERMINED}
    assert LanguageIdentifier(ENCODER_LANGUAGES["e5"]).detect(INDONESIAN) != "tr"


def test_language_floor_makes_ambiguous_text_undetermined():
    sure = LanguageIdentifier(("en", "de"), floor=0.5)
    assert sure.detect("Das Treffen fand in der finnischen Hauptstadt statt und dauerte sechs Stunden lang.") == "de"
    assert LanguageIdentifier(("en", "de"), floor=1.01).detect("Das Treffen fand in der finnischen Hauptstadt statt.") == UNDETERMINED


def test_undetermined_article_is_analysed_without_a_language(engine):
    from dataclasses import replace

    from marsad.models import Article

    article = Article(source="t", title=None, paragraphs=("Police said the investigation into the fire in Chicago goes on.",), language="und")
    analysed = engine.analyse(replace(article))
    assert analysed.article.language == "und"
    assert analysed.analysis.language is None
    assert analysed.analysis.unit_languages["p0"] in (None, "en")


def test_language_one_detector_for_an_articles_units():
    """Units (even short ones) are read by the trigram detector: the every-n-gram one (seconds to load) is not built."""
    identifier = LanguageIdentifier(ENCODER_LANGUAGES["use"])
    article, units = identifier.detect_article([
        "The finance ministers met in Helsinki on Tuesday.",  # 40-120 characters
        "They agreed a new rule for the budget of the region, which the parliament must now approve before the summer.",
    ])
    assert article == "en" and units == ["en", "en"]
    assert set(identifier._detectors) == {False}


def test_persian_is_not_called_arabic_when_the_encoder_does_not_cover_it():
    # Written for the test: a Persian sentence (USE's languages do not include Persian).
    persian = "رئیس جمهور روز دوشنبه با وزیر در تهران دیدار کرد و درباره بودجه سال آینده گفتگو کردند که چگونه پول را خرج کنند."
    assert LanguageIdentifier(ENCODER_LANGUAGES["use"]).detect(persian) == UNDETERMINED
    assert LanguageIdentifier(ENCODER_LANGUAGES["e5"]).detect(persian) == "fa"
    assert LanguageIdentifier(ENCODER_LANGUAGES["use"]).detect("التقى رئيسا هيئتي الأركان الأميركية والروسية في هلسنكي.") == "ar"
