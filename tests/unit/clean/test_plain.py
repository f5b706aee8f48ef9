"""Plain pages (clean text from a feed or a ``marsad cluster`` record): consent notices dropped, article text kept.

The German notice is the one scraped into the SemEval-2022 Task 8 texts of several regional
sites (``../shared/data/semeval2022``); the articles around it are written for the test.
"""

from __future__ import annotations

from marsad.clean.plain import article_from_fields, clean_plain, drop_consent_notices
from marsad.models import RawPage

NOTICE_DE = (
    "Wir setzen auf unserer Website Cookies und andere Technologien ein, um Ihnen den vollen Funktionsumfang unseres "
    "Angebotes anzubieten. Zudem ermöglichen Cookies die Personalisierung von Inhalten und dienen der Ausspielung von "
    "Werbung. Sie können auch zu Analysezwecken gesetzt werden. Durch die weitere Nutzung unserer Website erklären Sie "
    "sich mit dem Einsatz von Cookies einverstanden. Weitere Informationen, auch zur Deaktivierung der Cookies, finden "
    "Sie in unserer Datenschutzerklärung."
)
BODY_DE = "Ein Lastwagen ist am Montag auf der B 19 bei Aalen mit einem Auto zusammengestoßen. Fünf Menschen wurden verletzt."


def test_a_cookie_wall_and_its_link_are_dropped():
    page = RawPage(source="feed.jsonl:1", text=f"{NOTICE_DE}\n\nzur Datenschutzerklärung\n\n{BODY_DE}", format="plain",
                   title="Wagen kollidiert mit Lkw: Fünf Verletzte")
    assert clean_plain(page).paragraphs == (BODY_DE,)


def test_a_notice_glued_to_the_article_is_cut_sentence_by_sentence():
    assert drop_consent_notices([f"{BODY_DE} {NOTICE_DE}"]) == [BODY_DE]
    english = 'The mayor said: "The bridge will reopen on Friday." We use cookies to improve your experience. By continuing to browse you agree to our privacy policy.'
    assert drop_consent_notices([english]) == ['The mayor said: "The bridge will reopen on Friday."']
    assert drop_consent_notices(["Dr. Smith agreed. We use cookies on our website.", "Cookie settings"]) == ["Dr. Smith agreed."]


def test_articles_about_cookies_or_privacy_keep_their_text():
    # News about cookies, privacy policies and the GDPR: each names them, none speaks as a notice.
    paragraphs = [
        "The EU cookie law forces every site to ask first; critics say the banners changed little.",
        "Die DSGVO gilt seit 2018 für alle Unternehmen, die Daten von EU-Bürgern verarbeiten.",
        "WhatsApp users must accept the new privacy policy by May 15 or lose access to their messages.",
        "Regulators said the company breached its privacy policy by using customer data for advertising.",
        "Meta said it would not accept the GDPR ruling. The fine of 1.2 billion euros is the largest yet. "
        "Ireland's regulator said your data must stay in Europe. Shares fell 2 percent.",
        "Facebook cambió su política de privacidad para compartir sus datos con WhatsApp.",
        "Der Minister sagte: Wir setzen auf mehr Datenschutz in Schulen.",
        "قالت واتساب إن سياسة الخصوصية الجديدة لا تعني أنها ستشارك بياناتك مع فيسبوك.",
        "Facebook verstößt gegen den Datenschutz.",
        "Girl Scout cookies sales rose sharply",
        "Bayramda çerez fiyatları uçtu",
        "Wyciek danych osobowych z portalu objął 2 mln klientów, podał UODO. RODO przewiduje za to wysokie kary.",
        "Rozporządzenie 2016/679 obowiązuje od 25 maja 2018 r.",
        "Prezes Urzędu Ochrony Danych Osobowych nałożył na spółkę karę.",
        "Jak ustalił reporter naszego portalu, w wyniku ataku wyciekły dane osobowe ponad 100 tysięcy pacjentów.",
        "Ochrona danych osobowych obywateli to priorytet naszej polityki – zapowiedział premier.",
        "Jak informowaliśmy na naszym portalu, wyciekły dane 2 mln klientów. Spółce grozi kara na podstawie RODO.",
        BODY_DE,
    ]
    assert drop_consent_notices(paragraphs) == paragraphs


def test_a_record_that_is_only_a_notice_keeps_its_text_and_fields():
    article = article_from_fields("records.jsonl:4", NOTICE_DE, language="de", outlet="example.de", published="2020-03-02")
    assert article.paragraphs == (NOTICE_DE,)  # nothing else to cluster it by: kept as given
    assert (article.language, article.outlet, article.published) == ("de", "example.de", "2020-03-02")
    cleaned = article_from_fields("records.jsonl:5", f"{BODY_DE}\n\n{NOTICE_DE}", title="Unfall bei Aalen", language="de")
    assert cleaned.paragraphs == (BODY_DE,) and cleaned.title == "Unfall bei Aalen"


def test_a_hyphenated_compound_is_no_dateline():
    def is_place(word):
        return word.lower() in {"corona", "iran", "berlin"}  # Corona, California; "Corona-Krise" is the pandemic

    for text in ("Corona-Krise: Was an Ostern erlaubt ist, regeln die Länder.", "Iran-Iraq trade fell by a third last year."):
        article = clean_plain(RawPage(source="feed.jsonl:1", text=text, format="plain", title="t"), is_place)
        assert article.dateline is None and article.paragraphs == (text,)
    article = clean_plain(RawPage(source="feed.jsonl:2", text="BERLIN (dpa)– Die Regierung hat beschlossen.", format="plain", title="t"), is_place)
    assert (article.dateline, article.agency, article.paragraphs) == ("Berlin", "dpa", ("Die Regierung hat beschlossen.",))


def test_banners_in_other_languages_go_and_quoted_statements_stay():
    body = "Die Regierung hat am Montag neue Regeln beschlossen."
    for banner in (
        "Ce site utilise des cookies. En poursuivant votre navigation, vous acceptez leur utilisation.",
        "Bu web sitesi çerezleri kullanır. Daha fazla bilgi için çerez politikası sayfamızı okuyun.",
        "يستخدم هذا الموقع الكوكيز لتحسين تجربتك. باستمرارك في التصفح فإنك توافق على ذلك.",
        "Этот сайт использует файлы cookie. Продолжая использовать сайт, вы соглашаетесь с этим.",
        # A RODO (GDPR) wall: "We respect your privacy. You can withdraw consent at any time in our privacy policy."
        "Szanujemy Twoją prywatność. Zgodę możesz wycofać w dowolnym momencie w naszej polityce prywatności.",
    ):
        assert drop_consent_notices([f"{body} {banner}"]) == [body], banner
    quoted = [
        '"We use cookies responsibly," the CEO said. Shares rose 3 percent.',
        'In a blog post the company wrote: "We use cookies to personalise ads." The EU said this breaches the GDPR.',
        "„Wir verwenden alle Mittel, um den Datenschutz zu stärken“, sagte die Ministerin.",
        "By continuing to collect data without consent, Meta violated the GDPR, the court said.",
    ]
    assert drop_consent_notices(quoted) == quoted


def test_compact_arabic_datelines_with_a_known_agency():
    for text, dateline, agency in (("عمان-بترا- قال الوزير إن", "عمان", "بترا"), ("القاهرة-(رويترز)- قال مسؤول", "القاهرة", "رويترز")):
        article = clean_plain(RawPage(source="feed.jsonl:3", text=text, format="plain", title="t"), lambda w: w in {"عمان", "القاهرة"})
        assert (article.dateline, article.agency) == (dateline, agency)
        assert article.paragraphs[0].startswith("قال")


def test_feed_dates_in_the_forms_feeds_give_them():
    # A record's date as JSON APIs, RSS and CMS exports give it; all are 2 March 2020.
    for given in ("2020-03-02T10:00:00Z", "Mon, 02 Mar 2020 10:00:00 GMT", "1583143200", "1583143200000", "1583143200000.0",
                  "2020/03/02", "2020.03.02.", "20200302", "2020030210", "20200302100000", "02.03.2020", "02/03/2020",
                  "2 March 2020", "٢ مارس ٢٠٢٠"):
        article = article_from_fields("feed.jsonl:1", BODY_DE, published=given)
        assert article.published == "2020-03-02", given
    # Not dates: a 13th month, 31 February, Unix times outside 1990 to next year, too few digits.
    for unreadable in ("20201302", "20200231", "9999999999", "0000000000", "12345", "2020", "yesterday"):
        assert article_from_fields("feed.jsonl:2", BODY_DE, published=unreadable).published is None, unreadable
