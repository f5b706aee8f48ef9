"""Boilerplate phrases of news sites, in Arabic and the other SemEval-2022 Task 8 languages.

Phrases are stored normalised (see :mod:`marsad.analyse.normalise`) and matched against a
normalised line. They are signals, not the whole rule: the cleaner also uses a line's position,
length, punctuation and repetition.
"""

from __future__ import annotations

import regex

from marsad import regex_cache
from marsad.analyse.normalise import normalise


def _compile(phrases: list[str]) -> regex.Pattern:
    # Longest first; phrases of one length (which cannot both match at one place) in a fixed order,
    # so that the pattern's text is the same in every process (and is found in regex_cache).
    alternation = "|".join(sorted({regex.escape(normalise(p)) for p in phrases}, key=lambda p: (-len(p), p)))
    return regex_cache.compile(rf"(?<![\p{{L}}])(?:{alternation})(?![\p{{L}}])")


# Site chrome: navigation and widget labels. A short line made of these is never text.
CHROME = _compile([
    # Arabic
    "العودة", "رجوع", "الرئيسية", "القائمة الرئيسية", "شارك", "شارك القصة", "شارك الخبر", "مشاركة", "تكبير الخط", "تصغير الخط",
    "حجم الخط", "طباعة", "اطبع", "أرسل", "إرسال", "نسخ الرابط", "انسخ الرابط", "تعليقات", "أضف تعليق", "استمع", "استمع للخبر", "بحث",
    "فيسبوك", "تويتر", "واتساب", "تيليجرام", "لينكدإن", "إكس", "إغلاق", "القائمة", "تابعنا", "اشترك", "الاشتراك", "تسجيل الدخول",
    "إعلان", "محتوى إعلاني", "أخبار", "فيديو", "صور", "مباشر",
    # English
    "open toolbar", "close toolbar", "toolbar", "resize text", "text size", "back", "home", "menu", "share", "share this", "share story",
    "share this article", "tweet", "email", "print", "copy link", "comments", "listen", "listen to this article", "search", "close",
    "facebook", "twitter", "whatsapp", "telegram", "linkedin", "sign in", "log in", "subscribe", "advertisement", "skip to content",
    "skip to main content", "save", "bookmark", "reddit", "pinterest",
    # German, French, Spanish, Italian, Polish, Russian, Turkish, Chinese
    "teilen", "drucken", "zurück", "startseite", "anzeige", "artikel teilen", "merken", "kommentare",
    "partager", "imprimer", "retour", "accueil", "publicité", "commentaires",
    "compartir", "imprimir", "volver", "inicio", "publicidad", "comentarios",
    "condividi", "stampa", "indietro", "pubblicità", "commenti",
    "udostępnij", "drukuj", "wróć", "reklama", "komentarze",
    "поделиться", "печать", "назад", "главная", "реклама", "комментарии",
    "paylaş", "yazdır", "geri", "anasayfa", "reklam", "yorumlar",
    "分享", "打印", "返回", "首页", "广告", "评论",
])

# Lines that open a block of links to other stories. After the body they end it; inside the
# body they are inserts whose one or two headline lines are dropped.
READ_ALSO = _compile([
    "اقرأ أيضا", "اقرأ ايضا", "إقرأ أيضا", "اقرأ المزيد", "اقرأ كذلك", "قد يهمك", "قد يهمك أيضا", "ذات صلة", "أخبار ذات صلة",
    "مواضيع ذات صلة", "مقالات ذات صلة", "طالع أيضا", "شاهد أيضا", "للمزيد",
    "read also", "read more", "also read", "see also", "related", "related stories", "related articles", "related content",
    "more on this story", "you may also like", "recommended", "watch",
    "lesen sie auch", "auch interessant", "mehr zum thema", "das könnte sie auch interessieren",
    "lire aussi", "à lire aussi", "voir aussi", "sur le même sujet",
    "lee también", "leer más", "te puede interesar", "noticias relacionadas",
    "leggi anche", "potrebbe interessarti", "articoli correlati",
    "czytaj też", "czytaj także", "zobacz też", "zobacz także",
    "читайте также", "смотрите также", "по теме",
    "ayrıca okuyun", "ilginizi çekebilir", "ilgili haberler",
    "相关阅读", "延伸阅读", "相关新闻", "阅读更多",
])

# Lines after which nothing is body: story teasers, "more from", most-read menus, follow-us,
# newsletter and cookie notices.
END_OF_BODY = _compile([
    "حول هذه القصة", "عن هذه القصة", "المزيد من", "الأكثر قراءة", "الأكثر مشاهدة", "الأكثر تداولا", "الأكثر شعبية",
    "تابعوا", "تابعونا", "تابعوا أخبار", "تابعنا على", "اشترك في النشرة", "النشرة البريدية", "جميع الحقوق محفوظة",
    "كلمات مفتاحية", "الكلمات المفتاحية", "وسوم",
    "about this story", "more from", "more stories", "most read", "most popular", "most viewed", "trending", "follow us",
    "sign up for", "newsletter", "all rights reserved", "tags", "topics",
    "meistgelesen", "mehr aus", "folgen sie uns", "alle rechte vorbehalten",
    "les plus lus", "suivez-nous", "tous droits réservés",
    "lo más leído", "síguenos", "todos los derechos reservados",
    "i più letti", "seguici", "tutti i diritti riservati",
    "najczęściej czytane", "obserwuj nas", "wszelkie prawa zastrzeżone",
    "самое читаемое", "популярное", "подписывайтесь", "все права защищены",
    "en çok okunanlar", "bizi takip edin", "tüm hakları saklıdır",
    "最多阅读", "热门", "关注我们", "版权所有",
])

# Words that mark a cookie or privacy notice wherever it sits.
COOKIE = _compile([
    "كوكيز", "ملفات تعريف الارتباط", "ملف تعريف الارتباط", "سياسة الخصوصية",
    "cookies", "cookie", "privacy policy", "datenschutz", "politique de confidentialité", "política de privacidad",
    "informativa sulla privacy", "polityka prywatności", "файлы cookie", "çerez", "隐私政策",
    "datenschutzerklärung", "الكوكيز", "للكوكيز", "بالكوكيز", "لملفات تعريف الارتباط", "بملفات تعريف الارتباط",
    "çerezler", "çerezleri", "çerezlerin", "çerez politikası", "куки", "файлы куки", "политика конфиденциальности",
    "политикой конфиденциальности", "polityki prywatności", "polityce prywatności", "politykę prywatności",
    "polityką prywatności",
])

# Data-protection laws a consent notice cites; articles cite them too, so alone they mark nothing.
PRIVACY_LAW = _compile(["gdpr", "dsgvo", "rgpd", "rodo", "kvkk", "2016/679"])

# How a cookie or consent notice speaks: the site of itself ("we use", "our website") or of the
# reader's consent by browsing on. A news sentence about cookies or privacy law does not speak
# so; everyday words ("accept", "your data") are left out on purpose, since reports quote them.
NOTICE_VOICE = _compile([
    "نستخدم ملفات", "نستخدم الكوكيز", "يستخدم هذا الموقع", "موقعنا", "باستمرارك في", "بمواصلة تصفح", "بمواصلة التصفح",
    "we use", "this site uses", "this website uses", "our website", "our site", "we and our partners", "our privacy policy",
    "our cookie policy", "you agree to the use", "you agree to our", "you consent to the use", "by continuing to browse",
    "by continuing to use this", "if you continue to use this site",
    "wir verwenden", "wir nutzen cookies", "unserer website", "unserer webseite", "unsere website", "unsere webseite",
    "unseres angebotes", "unserer datenschutzerklärung", "durch die weitere nutzung", "diese website verwendet",
    "nous utilisons", "notre site web", "notre site internet", "ce site utilise", "nous et nos partenaires",
    "en poursuivant votre navigation",
    "utilizamos cookies", "usamos cookies", "nuestro sitio", "nuestra web", "este sitio web utiliza", "esta web utiliza",
    "al continuar navegando", "si continúa navegando",
    "utilizziamo cookie", "utilizziamo i cookie", "questo sito utilizza", "questo sito web utilizza", "il nostro sito", "continuando a navigare",
    "używamy", "wykorzystujemy pliki", "naszego serwisu", "naszej witryny", "swoją witrynę", "ta strona korzysta",
    "strona używa", "serwis wykorzystuje", "szanujemy twoją prywatność", "administratorem twoich danych",
    # "Our privacy policy" in its cases; "naszego portalu", "naszej polityki" alone are a newsroom's
    # and a politician's everyday words.
    "naszej polityce prywatności", "naszej polityki prywatności", "naszą politykę prywatności", "naszą polityką prywatności",
    "мы используем", "нашего сайта", "этот сайт использует", "сайт использует", "продолжая использовать сайт",
    "sitemizde", "kullanıyoruz", "bu web sitesi",
])

# "Source: Reuters" lines: the label, then the credited agency.
SOURCE_LINE = regex_cache.compile(
    r"^\s*(?:المصدر|المصادر|مصدر|source|sources|quelle|fuente|fonte|źródło|источник|kaynak|来源)\s*[:：]\s*(?P<agency>[^\n]{2,60}?)\s*$",
    regex.IGNORECASE,
)

# News agencies, as credited in Arabic and Latin script (normalised); value is the display name.
AGENCIES = {
    "رويترز": "رويترز", "reuters": "Reuters",
    "ا ف ب": "أ ف ب", "اف ب": "أ ف ب", "فرانس برس": "فرانس برس", "وكاله الصحافه الفرنسيه": "فرانس برس", "afp": "AFP",
    "اسوشيتد برس": "أسوشيتد برس", "ا ب": "أ ب", "ap": "AP", "associated press": "AP",
    "د ب ا": "د ب أ", "dpa": "dpa", "الاناضول": "الأناضول", "anadolu": "Anadolu", "واس": "واس", "وام": "وام", "سانا": "سانا",
    "قنا": "قنا", "كونا": "كونا", "بترا": "بترا", "شينخوا": "شينخوا", "xinhua": "Xinhua", "تاس": "تاس", "tass": "TASS",
    "ريا نوفوستي": "ريا نوفوستي", "ria novosti": "RIA Novosti", "وكالات": "وكالات", "efe": "EFE", "ansa": "ANSA", "pap": "PAP",
    "bloomberg": "Bloomberg", "بلومبرغ": "بلومبرغ",
}
AGENCY = _compile(list(AGENCIES))
