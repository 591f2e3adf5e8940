"""Dropping the non-article lines extractors leave in a body: link boxes, promos, credits, notices.

Rules, each on short lines only (so a real paragraph that starts "Related…" survives):

- a "Read more" / "Related" / "Lire aussi" / "Читайте также" / "اقرأ أيضا" / "קראו גם" heading, with
  the headline-like lines (no final punctuation) that follow it;
- a line starting with such a phrase ("Read more: Other story");
- photo credits ("Photo: …", "Фото: …", "צילום: …", "صورة: …");
- copyright and rights notices;
- newsletter, subscription and tip promos;
- "Updated: …" / "Publié le …" / "עודכן: …" stamps, and a byline as the first line;
- "Press contact" blocks.
"""

from __future__ import annotations

import re

_LINKS = (r"read (?:more|also|next)|see also|more on this|more from|also read|related(?: articles| stories| coverage"
          r"| content| news)?|suggested topics|recommended(?: for you)?|most read|lire aussi|à lire aussi|voir aussi"
          r"|sur le même sujet|читайте также|смотрите также|по теме|ещё по теме|اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا"
          r"|ذات صلة|قد يهمك|קראו גם|קראו עוד|כתבות נוספות|עוד באתר|עוד בנושא")
_LINK_HEADING = re.compile(rf"^(?:{_LINKS})\s*[:：]?\s*$", re.IGNORECASE)
_LINK_LINE = re.compile(rf"^(?:{_LINKS})\s*[:：\-–—]", re.IGNORECASE)
_CREDIT = re.compile(r"(?:^|[|/•]\s*)(?:photos?|images?|pictures?|credits?|crédits? photo|photo credit"
                     r"|фото(?:графия)?|צילום|صورة|تصوير|الصورة)\s*[:：]", re.IGNORECASE)
_RIGHTS = re.compile(r"^(?:©|\(c\)\s|copyright\b)|all rights reserved|tous droits réservés|все права защищены"
                     r"|جميع الحقوق محفوظة|כל הזכויות שמורות|may not be (?:published|reproduced)", re.IGNORECASE)
_PROMO = re.compile(r"sign up here|sign up for|subscribe (?:to|for|now)|our newsletter|the .{0,40} newsletter"
                    r"|got a (?:news )?tip|send us a tip|follow us on|download (?:our|the) app|abonnez-vous"
                    r"|inscrivez-vous|подпишитесь|подписывайтесь|اشترك في|اشترك الآن|הירשמו|הצטרפו לניוזלטר",
                    re.IGNORECASE)
_STAMP = re.compile(r"^(?:updated|published|last updated|posted|mis à jour|publié le|modifié le|обновлено"
                    r"|опубликовано|עודכן|פורסם|نشر في|آخر تحديث|تم النشر)\b", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:by|par|von|por|от|автор|بقلم|كتب|מאת)\s*:?\s", re.IGNORECASE)
_CONTACT = re.compile(r"^(?:contacts? presse|press contacts?|media contacts?|для прессы|للتواصل الإعلامي)\b",
                      re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?؟。…»\"”)]$")

SHORT = 15
NOTICE = 40


def strip_boilerplate(paragraphs: list[str]) -> list[str]:
    kept: list[str] = []
    in_link_box = False
    for index, paragraph in enumerate(paragraphs):
        words = len(paragraph.split())
        headline_like = words <= SHORT and not _SENTENCE_END.search(paragraph)
        if in_link_box and headline_like:
            continue
        in_link_box = False
        if words <= SHORT and (_LINK_HEADING.match(paragraph) or _CONTACT.match(paragraph)):
            in_link_box = True
            continue
        if _is_boilerplate(paragraph, words, first=index < 2):
            continue
        kept.append(paragraph)
    return kept


def _is_boilerplate(paragraph: str, words: int, first: bool) -> bool:
    if words <= SHORT and (_LINK_LINE.match(paragraph) or _CREDIT.search(paragraph) or _STAMP.match(paragraph)):
        return True
    if words <= NOTICE and (_RIGHTS.search(paragraph) or _PROMO.search(paragraph)):
        return True
    return first and words <= 12 and bool(_BYLINE.match(paragraph))
