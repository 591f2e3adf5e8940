"""Boilerplate wording per page language: cookie banner, labels, footer lines.

None of these strings mentions the topic, so boilerplate can never make a page relevant.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chrome:
    skip: str
    cookie: str
    accept: str
    manage: str
    most_read: str
    newsletter: str
    subscribe: str
    by: str
    published: str
    updated: str
    print_label: str
    back: str
    share: str
    top_stories: str
    rights: str
    not_found_title: str
    not_found_text: str
    home: str


CHROME: dict[str, Chrome] = {
    "en": Chrome(
        skip="Skip to main content",
        cookie=("We use cookies and similar technologies to personalise content and ads, to "
                "provide social media features and to analyse our traffic."),
        accept="Accept all",
        manage="Manage preferences",
        most_read="Most read",
        newsletter="Get the morning briefing in your inbox every weekday.",
        subscribe="Subscribe",
        by="By",
        published="Published",
        updated="Updated",
        print_label="Print this article",
        back="Back to the article",
        share="Share on social media",
        top_stories="Top stories",
        rights="All rights reserved.",
        not_found_title="Page not found",
        not_found_text="Sorry, the page you were looking for does not exist or has been moved.",
        home="Go to the home page",
    ),
    "he": Chrome(
        skip="דלגו לתוכן המרכזי",
        cookie="אנו משתמשים בעוגיות כדי לשפר את חוויית הגלישה ולהתאים עבורכם תוכן ופרסומות.",
        accept="אישור",
        manage="הגדרות",
        most_read="הנקראים ביותר",
        newsletter="הירשמו לניוזלטר היומי שלנו.",
        subscribe="הרשמה",
        by="מאת",
        published="פורסם",
        updated="עודכן",
        print_label="הדפסה",
        back="חזרה לכתבה",
        share="שיתוף",
        top_stories="כותרות",
        rights="כל הזכויות שמורות.",
        not_found_title="הדף לא נמצא",
        not_found_text="מצטערים, הדף שחיפשתם אינו קיים.",
        home="לעמוד הבית",
    ),
    "ar": Chrome(
        skip="انتقل إلى المحتوى",
        cookie="نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا ولأغراض إحصائية وإعلانية.",
        accept="موافق",
        manage="الإعدادات",
        most_read="الأكثر قراءة",
        newsletter="اشترك في نشرتنا الإخبارية اليومية.",
        subscribe="اشتراك",
        by="بقلم",
        published="نشر في",
        updated="آخر تحديث",
        print_label="طباعة",
        back="العودة إلى المقال",
        share="شارك",
        top_stories="أبرز الأخبار",
        rights="جميع الحقوق محفوظة.",
        not_found_title="الصفحة غير موجودة",
        not_found_text="عذراً، الصفحة التي تبحث عنها غير موجودة.",
        home="العودة إلى الصفحة الرئيسية",
    ),
    "fr": Chrome(
        skip="Aller au contenu principal",
        cookie=("Nous utilisons des cookies pour améliorer votre expérience, mesurer l'audience "
                "et vous proposer des publicités adaptées."),
        accept="Tout accepter",
        manage="Paramétrer",
        most_read="Les plus lus",
        newsletter="Recevez chaque matin l'essentiel de l'actualité.",
        subscribe="S'inscrire",
        by="Par",
        published="Publié le",
        updated="Mis à jour le",
        print_label="Imprimer",
        back="Retour à l'article",
        share="Partager",
        top_stories="À la une",
        rights="Tous droits réservés.",
        not_found_title="Page introuvable",
        not_found_text="Désolé, la page demandée n'existe pas ou a été déplacée.",
        home="Retour à l'accueil",
    ),
    "ru": Chrome(
        skip="Перейти к содержанию",
        cookie="Мы используем файлы cookie, чтобы сайт работал удобнее и для анализа посещаемости.",
        accept="Принять",
        manage="Настроить",
        most_read="Самое читаемое",
        newsletter="Подпишитесь на ежедневную рассылку главных новостей.",
        subscribe="Подписаться",
        by="Автор:",
        published="Опубликовано",
        updated="Обновлено",
        print_label="Версия для печати",
        back="Вернуться к статье",
        share="Поделиться",
        top_stories="Главное",
        rights="Все права защищены.",
        not_found_title="Страница не найдена",
        not_found_text="К сожалению, такой страницы не существует.",
        home="На главную",
    ),
}

RTL_LANGUAGES = frozenset({"ar", "he"})


def chrome(language: str) -> Chrome:
    """The boilerplate wording for ``language`` (English when unknown)."""
    return CHROME.get(language, CHROME["en"])
