"""The newsroom's data: three fictional news sites, their articles and their link structure.

Everything here is plain data (frozen dataclasses, no HTML). Times are *ages*: an
article published ``timedelta(hours=3)`` before the server's ``--base-time``. Each
article also carries the UTC offset its pages print dates in, so the same instant
shows up as e.g. ``2026-11-27T23:00:00+02:00`` on the page and as
``Fri, 27 Nov 2026 23:00:00 +0200`` in the RSS feed.

The text is fictional but written to read like real reporting. Relevant articles
contain a topic phrase in their title and their body in its exact nominative form;
irrelevant ones contain none of the topic phrases anywhere on the page (boilerplate
included), so relevance never depends on how well an extractor strips boilerplate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone


@dataclass(frozen=True)
class Article:
    """One article page and how the site exposes it."""

    path: str
    title: str
    authors: tuple[str, ...]
    published: timedelta  # age at --base-time
    language: str
    description: str
    paragraphs: tuple[str, ...]
    section: str
    tags: tuple[str, ...] = ()
    modified: timedelta | None = None  # age of the last update, None if never updated
    utc_offset: timedelta = timedelta(0)  # offset the site prints this article's dates in
    jsonld: bool = False  # emit a schema.org NewsArticle JSON-LD block
    canonical: bool = True  # emit <link rel="canonical"> (absolute, to the plain URL)
    og_url: tuple[str, str] | None = None  # (site, path) for og:url when not the page itself
    title_suffix: str = ""  # appended to <title> and og:title, e.g. " | Israel Daily"
    printable: bool = False  # also served at ?print=1 (canonical → the plain URL)
    in_feed: bool = True  # listed in the site's RSS/Atom feed or sitemaps
    feed_query: str = ""  # query string the feed appends to the link (tracking params)
    image: str | None = None  # site path of the og:image
    relevant: bool = False  # documentation for the tests: mentions the topic

    @property
    def tz(self) -> timezone:
        return timezone(self.utc_offset)

    def published_at(self, base_time: datetime) -> datetime:
        """Publication time, in the article's own UTC offset."""
        return (base_time - self.published).astimezone(self.tz)

    def modified_at(self, base_time: datetime) -> datetime:
        """Last modification (the publication time if never modified), in the article's offset."""
        age = self.published if self.modified is None else self.modified
        return (base_time - age).astimezone(self.tz)


@dataclass(frozen=True)
class Link:
    """A hyperlink; ``site`` None means the site the page belongs to. Empty text = target's title."""

    path: str
    text: str = ""
    site: str | None = None


@dataclass(frozen=True)
class Section:
    """A listing page (not an article): headline links to articles."""

    path: str
    title: str
    language: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class MediaFile:
    """A non-HTML file the site serves; ``kind`` selects the payload in ``media.py``."""

    path: str
    content_type: str
    kind: str


@dataclass(frozen=True)
class Site:
    """One news site, served on its own port."""

    name: str
    title: str
    language: str
    tagline: str
    articles: tuple[Article, ...]
    nav: tuple[Link, ...]
    home: tuple[Link, ...]  # the home page's headline links, in order
    most_read: tuple[str, ...]  # article paths shown in every page's sidebar
    sections: tuple[Section, ...] = ()
    robots: str | None = None  # robots.txt body ({base} = the site's URL); None → 404
    rss_path: str | None = None
    atom_path: str | None = None
    sitemap_index_path: str | None = None
    redirects: tuple[tuple[str, str], ...] = ()  # (old path, new path), answered with 301
    files: tuple[MediaFile, ...] = ()
    jsonld_author_list: bool = True  # JSON-LD "author" as a list even for a single author
    footer: tuple[Link, ...] = field(
        default=(Link("/about/", "About us"), Link("/contact/", "Contact"),
                 Link("/privacy/", "Privacy policy"))
    )

    def article(self, path: str) -> Article | None:
        return next((a for a in self.articles if a.path == path), None)

    def section(self, path: str) -> Section | None:
        return next((s for s in self.sections if s.path == path), None)


IL = timedelta(hours=2)  # Israel Standard Time
MA = timedelta(hours=1)  # Morocco
MSK = timedelta(hours=3)  # Moscow
NYC = timedelta(hours=-5)  # New York desk of Global Wire

# ---------------------------------------------------------------------------------------
# israel-daily: English (and one Hebrew) site with an RSS feed and JSON-LD
# ---------------------------------------------------------------------------------------

ID_SUMMIT = "/politics/abraham-accords-anniversary-summit.html"
ID_KNESSET = "/politics/knesset-debate-abraham-accords-expansion.html"
ID_TRADE = "/business/abraham-accords-trade-corridor-exports.html"
ID_POLL_HE = "/he/abraham-accords-public-opinion-poll.html"
ID_DERBY = "/sport/maccabi-haifa-hapoel-derby.html"
ID_STARTUP = "/business/tel-aviv-climate-startup-series-b.html"
ID_PRIVATE = "/private/accords-leak.html"
ID_OLD = "/politics/abraham-accords-five-years-on.html"
ID_OLD_PATH = "/old-path/accords-anniversary"

ISRAEL_DAILY_ARTICLES = (
    Article(
        path=ID_SUMMIT,
        title="Leaders mark Abraham Accords anniversary with new aviation and water pacts",
        title_suffix=" | Israel Daily",
        authors=("Dana Levin", "Yossi Mizrahi"),
        published=timedelta(hours=15),
        modified=timedelta(hours=10),
        utc_offset=IL,
        language="en",
        section="Politics",
        tags=("Abraham Accords", "Diplomacy", "UAE", "Aviation"),
        description=(
            "Delegations from Israel, the UAE, Bahrain and Morocco signed agreements on direct "
            "flights and desalination research at a ceremony in Abu Dhabi."
        ),
        jsonld=True,
        image="/media/signing.jpg",
        relevant=True,
        paragraphs=(
            "ABU DHABI — Delegations from Israel, the United Arab Emirates, Bahrain and Morocco "
            "gathered in Abu Dhabi on Friday to mark another anniversary of the Abraham Accords, "
            "signing a package of agreements on civil aviation, water technology and academic "
            "exchanges that officials described as the most concrete since the normalisation "
            "deals were first concluded in 2020.",
            "The aviation memorandum allows carriers from the four countries to add up to 60 "
            "weekly frequencies between their hubs over the next two years and commits civil "
            "aviation authorities to recognise each other's maintenance certifications. A "
            "separate agreement establishes a joint research fund for desalination and "
            "wastewater reuse, with an initial budget of $120 million split between government "
            "agencies and private partners.",
            "“The Abraham Accords were signed by governments, but they are now carried by "
            "engineers, students and travellers,” said Miriam Katz, a senior adviser at Israel's "
            "Regional Cooperation Ministry, who led the Israeli technical team. Emirati officials "
            "pointed to more than 1.2 million visits by Israeli tourists since the first direct "
            "flights and said bilateral trade had kept growing despite regional tensions.",
            "Not everyone in the room was upbeat. Diplomats from two of the signatory states "
            "privately acknowledged that public opinion in the Gulf remains cautious, and "
            "several planned cultural events were scaled back over security concerns. A "
            "Bahraini delegate said progress on wider regional issues would determine how far "
            "the partnership could expand.",
            "Analysts say the technical tracks are designed to outlast political turbulence. "
            "“Water, energy and aviation are where the agreements deliver measurable benefits,” "
            "said Jonathan Weiss of the Tel Aviv-based Institute for Regional Policy. “Those "
            "programmes create constituencies on both sides that have a stake in keeping the "
            "relationship alive.”",
            "The delegations agreed to meet again in Rabat next spring, where Moroccan officials "
            "hope to finalise a long-delayed agreement on agricultural research and a framework "
            "for student scholarships.",
        ),
    ),
    Article(
        path=ID_KNESSET,
        title="Knesset debates expanding the Abraham Accords to new Gulf partners",
        authors=("Noa Friedman",),
        published=timedelta(hours=29),
        utc_offset=IL,
        language="en",
        section="Politics",
        tags=("Abraham Accords", "Knesset"),
        description=(
            "Lawmakers clashed over the price of further normalisation as the foreign affairs "
            "committee heard testimony from former negotiators."
        ),
        jsonld=True,
        printable=True,
        relevant=True,
        paragraphs=(
            "JERUSALEM — The Knesset Foreign Affairs and Defence Committee held a marathon "
            "session on Thursday on the prospects of expanding the Abraham Accords, with "
            "lawmakers from across the spectrum questioning what Israel would be asked to offer "
            "in exchange for new diplomatic partners.",
            "Former negotiators who testified behind closed doors for part of the session told "
            "members that at least two governments in the Gulf and one in Africa had signalled "
            "interest in joining the framework, but that each expected tangible commitments on "
            "economic cooperation and regional security. Committee chair Ruth Ben-Ami said the "
            "hearing was “a reality check, not a celebration.”",
            "Opposition members argued that the government had neglected existing relationships "
            "while chasing headline-grabbing announcements. “Before we talk about new "
            "signatories, we should ask why flagship projects with our current partners are "
            "running years behind schedule,” said MK Daniel Oren, pointing to a delayed energy "
            "interconnector and stalled free-trade talks.",
            "Coalition lawmakers countered that the Abraham Accords had survived repeated crises "
            "and that momentum depended on sending a clear signal of Israeli interest. Several "
            "cited rising tourism and a doubling of bilateral trade with the United Arab "
            "Emirates as evidence that normalisation delivered benefits to ordinary citizens.",
            "The committee is expected to publish a summary of its conclusions in the coming "
            "weeks. Officials at the Foreign Ministry said a dedicated team had been set up to "
            "coordinate technical talks with prospective partners, but declined to name the "
            "countries involved.",
        ),
    ),
    Article(
        path=ID_TRADE,
        title="Abraham Accords trade corridor lifts Israeli exports to the Gulf",
        authors=("Avi Cohen", "Rania Haddad"),
        published=timedelta(hours=56),
        modified=timedelta(hours=50),
        utc_offset=IL,
        language="en",
        section="Business",
        tags=("Abraham Accords", "Trade", "Exports"),
        description=(
            "Exporters of medical devices, agritech and cybersecurity services report record "
            "orders from the UAE and Bahrain."
        ),
        jsonld=True,
        in_feed=False,  # reachable only from /business/ (depth 2 from the home page)
        relevant=True,
        paragraphs=(
            "TEL AVIV — Israeli exports to the United Arab Emirates and Bahrain rose 18 per cent "
            "in the first ten months of the year, according to figures released by the Israel "
            "Export Institute, as companies took advantage of customs arrangements negotiated "
            "under the Abraham Accords.",
            "Medical devices, agricultural technology and cybersecurity services accounted for "
            "most of the growth. Exporters said a bonded logistics corridor linking Haifa port "
            "with Jebel Ali by road through Jordan had cut delivery times for "
            "temperature-sensitive goods from three weeks to under ten days.",
            "“Two years ago we were shipping samples; now we have a regional warehouse in Dubai "
            "and a team of fourteen people there,” said Orly Shamir, chief executive of a "
            "Rehovot-based irrigation company. She said Gulf customers increasingly asked for "
            "joint ventures rather than simple supply contracts.",
            "Economists caution that the headline numbers start from a low base and are "
            "concentrated in a handful of large firms. Smaller exporters still complain about "
            "banking friction, including lengthy compliance checks on cross-border payments and "
            "limited correspondent banking relationships.",
            "The Economy Ministry said it would expand a programme that subsidises trade-fair "
            "participation and legal advice for small companies entering markets opened by the "
            "Abraham Accords, and that a new round of talks on mutual recognition of product "
            "standards would begin in January.",
        ),
    ),
    Article(
        path=ID_POLL_HE,
        title="סקר: רוב הציבור תומך בהרחבת הסכמי אברהם",
        authors=("מיכל ברק",),
        published=timedelta(hours=12, minutes=30),
        utc_offset=IL,
        language="he",
        section="חדשות",
        tags=("הסכמי אברהם", "סקרים"),
        description=(
            "סקר חדש של המכון למדיניות אזורית מצא כי 61% מהישראלים תומכים בצירוף מדינות "
            "נוספות להסכמים."
        ),
        feed_query="utm_source=rss&utm_medium=feed",
        relevant=True,
        paragraphs=(
            "סקר חדש שפרסם היום המכון למדיניות אזורית מצא כי 61% מהישראלים תומכים בהרחבת "
            "הסכמי אברהם למדינות נוספות במפרץ ובאפריקה. רק 22% מהנשאלים השיבו כי הם מתנגדים "
            "להרחבה, והשאר השיבו כי אינם יודעים.",
            "לפי ממצאי הסקר, התמיכה גבוהה במיוחד בקרב צעירים בני 18 עד 34, שרבים מהם ביקרו "
            "באיחוד האמירויות או במרוקו מאז חתימת ההסכמים. כמחצית מהנשאלים ציינו את התיירות "
            "ואת שיתוף הפעולה הכלכלי כתועלת המרכזית של הסכמי אברהם עבור ישראל.",
            "עם זאת, הסקר מצביע גם על ספקנות לא מבוטלת: 47% מהנשאלים סבורים שהממשלה לא השקיעה "
            "מספיק בחיזוק הקשרים עם המדינות שכבר חתומות על ההסכמים, ו־38% מעריכים שהיחסים "
            "עלולים להיפגע בעקבות המתיחות האזורית בחודשים הקרובים.",
            "״הציבור הישראלי רואה בהסכמים הישג אסטרטגי, אבל הוא מצפה לראות תוצאות בשטח״, אמרה "
            "ד״ר שירה אלון, שהובילה את המחקר. לדבריה, פרויקטים משותפים בתחומי המים, האנרגיה "
            "והבריאות הם המפתח לשמירה על התמיכה הציבורית לאורך זמן.",
            "הסקר נערך בשבוע שעבר בקרב 1,050 משיבים, המהווים מדגם מייצג של האוכלוסייה הבוגרת "
            "בישראל, יהודים וערבים. טווח הטעות המרבי הוא 3.1%. המכון מתכוון לחזור על הסקר "
            "בעוד חצי שנה כדי לבחון שינויים במגמות.",
            "במשרד החוץ בירכו על ממצאי הסקר. גורם מדיני אמר כי הנתונים מחזקים את המאמצים "
            "להרחיב את מעגל השלום, וכי ישראל תמשיך לקדם פרויקטים משותפים בתחומי הטכנולוגיה, "
            "החקלאות והתיירות עם שותפותיה באזור.",
        ),
    ),
    Article(
        path=ID_DERBY,
        title="Maccabi Haifa edge Hapoel in rain-soaked derby",
        authors=("Eitan Shapiro",),
        published=timedelta(hours=14),
        utc_offset=IL,
        language="en",
        section="Sport",
        tags=("Football", "Premier League"),
        description="A late long-range strike settled a scrappy Haifa derby in driving rain.",
        jsonld=True,
        paragraphs=(
            "HAIFA — Maccabi Haifa moved three points clear at the top of the Premier League on "
            "Saturday night after a 2-1 win over Hapoel Haifa in a derby played under relentless "
            "rain at Sammy Ofer Stadium.",
            "The hosts went ahead in the 23rd minute when winger Omer Dahan curled a free kick "
            "over the wall and inside the near post. Hapoel, who had lost only once in their "
            "previous eight league matches, responded after the break, with substitute Itay "
            "Navon heading in an equaliser from a corner.",
            "With the pitch deteriorating and both sides struggling to keep the ball on the "
            "ground, the decisive moment came twelve minutes from time. Defender Lior Ben-David "
            "stepped forward to intercept a loose pass and struck a low shot from 25 metres that "
            "skidded past the goalkeeper.",
            "“Nights like this are not about beautiful football,” Maccabi coach Ronen Katz said "
            "afterwards. “We had to suffer, and the players showed they are ready to do that.” "
            "His Hapoel counterpart complained that the match should have been halted during a "
            "heavy downpour midway through the second half.",
            "Maccabi travel to Beersheba next weekend, while Hapoel host Bnei Sakhnin in a match "
            "both clubs describe as crucial in the race for a place in the top six.",
        ),
    ),
    Article(
        path=ID_STARTUP,
        title="Tel Aviv climate-tech startup raises $48 million Series B",
        authors=("Liat Gold",),
        published=timedelta(hours=48),
        utc_offset=IL,
        language="en",
        section="Business",
        tags=("Startups", "Climate tech", "Venture capital"),
        description="Carbonlens measures industrial emissions from orbit and plans two new offices.",
        jsonld=True,
        paragraphs=(
            "TEL AVIV — Carbonlens, a Tel Aviv startup that uses satellite imagery and machine "
            "learning to measure emissions from industrial sites, has raised $48 million in a "
            "Series B round led by a European infrastructure fund, the company said on "
            "Wednesday.",
            "The round brings total funding to $71 million. Existing investors, including two "
            "Israeli venture firms, also participated. The company said it would use the money "
            "to double its engineering team and open offices in Frankfurt and Singapore over the "
            "next year.",
            "Founded in 2021 by three graduates of the Technion, Carbonlens sells monitoring "
            "subscriptions to cement makers, steel plants and port operators that need to report "
            "emissions under tightening European rules. Chief executive Tamar Eshel said revenue "
            "had tripled in twelve months and that the company expected to break even in 2028.",
            "The deal comes as Israeli climate-tech companies report a recovery in funding after "
            "two difficult years. According to a recent report by a local industry association, "
            "investment in the sector rose 40 per cent in the first three quarters, although it "
            "remains below its 2021 peak.",
            "“Investors have become far more selective, but companies with real customers and "
            "measurable impact can still raise serious money,” Eshel said.",
        ),
    ),
    Article(
        path=ID_PRIVATE,
        title="Leaked draft reveals proposed security annex to the Abraham Accords",
        authors=("Israel Daily Investigations Desk",),
        published=timedelta(hours=5),
        utc_offset=IL,
        language="en",
        section="Politics",
        tags=("Abraham Accords", "Exclusive"),
        description="A draft seen by Israel Daily outlines a regional air-defence coordination cell.",
        jsonld=True,
        in_feed=False,
        relevant=True,
        paragraphs=(
            "A draft document circulated among diplomats proposes adding a security annex to the "
            "Abraham Accords that would create a permanent coordination cell for regional air "
            "defence, according to officials who have seen it.",
            "The annex, still under negotiation, would commit the signatories to sharing early "
            "warning data on drones and missiles and to holding joint exercises twice a year. "
            "Two of the governments involved are said to have reservations about making the "
            "arrangement public.",
            "Officials stressed that the text was a working draft and could change "
            "substantially before any signing. Several clauses are bracketed, indicating "
            "disagreement over wording, including a provision on the exchange of liaison "
            "officers.",
            "Israel Daily has not independently verified every detail of the draft. The Prime "
            "Minister's Office declined to comment, and spokespeople for the other governments "
            "did not respond to requests for comment by the time of publication.",
        ),
    ),
    Article(
        path=ID_OLD,
        title="Five years on, the Abraham Accords face their toughest test",
        authors=("Dana Levin",),
        published=timedelta(days=45),
        utc_offset=IL,
        language="en",
        section="Politics",
        tags=("Abraham Accords", "Analysis"),
        description="Trade and tourism are up, but public support in the region has cooled.",
        jsonld=True,
        relevant=True,
        paragraphs=(
            "When the Abraham Accords were signed on the White House lawn in 2020, supporters "
            "predicted a rapid wave of new members and a transformed regional economy. Five "
            "years later, the picture is more mixed.",
            "Trade between Israel and the United Arab Emirates has grown steadily, and direct "
            "flights connect Tel Aviv with Abu Dhabi, Dubai, Manama, Casablanca and Marrakech. "
            "Tourism, technology partnerships and academic exchanges have created networks that "
            "barely existed before.",
            "Yet surveys across the Arab world show public support for normalisation has "
            "declined, and several planned expansions of the framework have stalled. Diplomats "
            "say the coming year will show whether the partnership can move beyond its "
            "founding members.",
            "“The institutions are more resilient than the headlines suggest,” said one "
            "European diplomat in the region. “But resilience is not the same as momentum.”",
        ),
    ),
)

ISRAEL_DAILY = Site(
    name="israel-daily",
    title="Israel Daily",
    language="en",
    tagline="Independent news from Israel and the region",
    articles=ISRAEL_DAILY_ARTICLES,
    nav=(Link("/", "Home"), Link("/politics/", "Politics"), Link("/business/", "Business")),
    home=(
        Link(ID_KNESSET),
        Link(ID_KNESSET + "?utm_source=twitter&utm_medium=social&fbclid=abc123",
             "Trending on social: the Knesset committee hearing"),
        Link(ID_KNESSET + "#comments", "Join the discussion (12 comments)"),
        Link(ID_OLD_PATH, "From the archive: the anniversary summit"),
        Link(ID_POLL_HE),
        Link(ID_DERBY),
        Link(ID_STARTUP),
        Link(ID_PRIVATE, "Exclusive: the leaked draft annex"),
        Link("/ru/avraamovy-soglasheniya-transportnyj-koridor.html",
             "Partner coverage from Global Wire (in Russian)", site="global-wire"),
        Link("/media/signing.jpg", "Photo gallery: the signing ceremony"),
        Link("/files/report.pdf", "Download the full economic report (PDF)"),
        Link("/audio/podcast.mp3", "Listen: The Daily Briefing podcast"),
    ),
    most_read=(ID_DERBY, ID_STARTUP),
    sections=(
        Section("/politics/", "Politics", "en", (Link(ID_SUMMIT), Link(ID_KNESSET))),
        Section("/business/", "Business", "en", (Link(ID_TRADE), Link(ID_STARTUP))),
    ),
    robots="User-agent: *\nDisallow: /private/\n",
    rss_path="/feed.xml",
    redirects=((ID_OLD_PATH, ID_SUMMIT),),
    files=(
        MediaFile("/media/signing.jpg", "image/jpeg", "jpeg"),
        MediaFile("/files/report.pdf", "application/pdf", "pdf"),
        MediaFile("/audio/podcast.mp3", "audio/mpeg", "mp3"),
    ),
)

# ---------------------------------------------------------------------------------------
# maghreb-news: Arabic and French, no feed, sitemaps, OpenGraph only (no JSON-LD)
# ---------------------------------------------------------------------------------------

MN_AGRI_AR = "/ar/abraham-accords-morocco-israel-agriculture.html"
MN_TOURISM_FR = "/fr/accords-abraham-tourisme-marrakech.html"
MN_OLIVES_FR = "/fr/secheresse-recolte-olives-souss.html"
MN_SERFATY_FR = "/fr/hommage-abraham-serfaty-casablanca.html"
MN_DERBY_AR = "/ar/raja-wydad-derby.html"
MN_OLD_AR = "/ar/abraham-accords-seminar-rabat.html"

MAGHREB_NEWS_ARTICLES = (
    Article(
        path=MN_AGRI_AR,
        title="المغرب وإسرائيل يطلقان مشاريع زراعية جديدة في إطار اتفاقيات أبراهام",
        authors=("يوسف العلوي",),
        published=timedelta(hours=6),
        utc_offset=MA,
        language="ar",
        section="سياسة",
        tags=("اتفاقيات أبراهام", "الفلاحة"),
        description=(
            "ثلاث مذكرات تفاهم جديدة في مجالات الري وتحلية المياه والتكوين المهني بين الرباط "
            "وتل أبيب."
        ),
        canonical=False,  # no rel=canonical; og:url points at the page itself
        relevant=True,
        paragraphs=(
            "الرباط – وقّع المغرب وإسرائيل، يوم الجمعة، ثلاث مذكرات تفاهم جديدة في مجالات "
            "الزراعة وتدبير المياه والتكوين المهني، في خطوة قال مسؤولون إنها تعكس انتقال "
            "اتفاقيات أبراهام من مرحلة الإعلانات السياسية إلى مرحلة المشاريع الملموسة.",
            "وتنص المذكرة الأولى على إنشاء مركز مشترك للبحث في تقنيات الري بالتنقيط في جهة "
            "سوس ماسة، بتمويل أولي يبلغ 15 مليون دولار، بينما تهدف الثانية إلى تبادل الخبرات "
            "في مجال تحلية مياه البحر ومعالجة المياه العادمة لإعادة استعمالها في الفلاحة.",
            "وقال مسؤول في وزارة الفلاحة المغربية إن المشاريع الجديدة ستستفيد منها أولاً "
            "التعاونيات الفلاحية الصغيرة في المناطق المتضررة من الجفاف، مضيفاً أن برنامجاً "
            "للتكوين سيتيح لنحو 300 مهندس وتقني شاب إجراء تداريب في مراكز بحث إسرائيلية خلال "
            "السنوات الثلاث المقبلة.",
            "ويرى محللون أن الاتفاقيات الإبراهيمية تواجه اختباراً صعباً في ظل التوترات "
            "الإقليمية وتحفظ جزء من الرأي العام. وقالت الباحثة في العلاقات الدولية سلمى "
            "بنجلون إن «نجاح هذه الشراكة سيقاس بمدى قدرتها على تحسين حياة المواطنين، لا بعدد "
            "الاتفاقيات الموقعة».",
            "من جهته، أكد رئيس غرفة التجارة والصناعة والخدمات بجهة سوس ماسة أن المقاولات "
            "المحلية تتطلع إلى الاستفادة من هذه الشراكة، خاصة في مجالات التصدير واللوجستيك، "
            "داعياً إلى تبسيط الإجراءات الإدارية وتسريع فتح خطوط جوية مباشرة جديدة بين أكادير "
            "وتل أبيب.",
            "ومن المنتظر أن يزور وفد من رجال الأعمال الإسرائيليين مدينتي الدار البيضاء "
            "وأكادير مطلع السنة المقبلة، لبحث فرص الاستثمار في الصناعات الغذائية والطاقات "
            "المتجددة، حسب ما أفاد به مصدر مطلع.",
        ),
    ),
    Article(
        path=MN_TOURISM_FR,
        title="Tourisme : les accords d'Abraham dopent la fréquentation israélienne à Marrakech",
        authors=("Claire Benali",),
        published=timedelta(hours=26),
        modified=timedelta(hours=24),
        utc_offset=MA,
        language="fr",
        section="Économie",
        tags=("accords d'Abraham", "Tourisme", "Marrakech"),
        description=(
            "Le nombre de visiteurs israéliens a progressé de 35 % en dix mois, porté par les "
            "liaisons aériennes directes."
        ),
        relevant=True,
        paragraphs=(
            "MARRAKECH — Les hôteliers de la ville ocre affichent leur meilleure saison depuis "
            "des années. Selon l'Observatoire régional du tourisme, le nombre de visiteurs "
            "israéliens a progressé de 35 % sur les dix premiers mois de l'année, un essor que "
            "les professionnels attribuent directement aux accords d'Abraham et à l'ouverture de "
            "liaisons aériennes directes avec Tel-Aviv.",
            "« Il y a cinq ans, nous recevions quelques groupes organisés par an. Aujourd'hui, "
            "les réservations individuelles représentent plus de la moitié de notre clientèle "
            "israélienne », explique Hicham Tazi, directeur d'un riad de la médina. Beaucoup de "
            "ces voyageurs ont des racines familiales au Maroc et combinent séjour touristique et "
            "visite des anciens quartiers juifs, les mellahs, de Marrakech, d'Essaouira ou de Fès.",
            "Les compagnies aériennes ont suivi la demande : trois transporteurs assurent "
            "désormais onze vols hebdomadaires entre Tel-Aviv et les aéroports de Marrakech et de "
            "Casablanca. Les voyagistes signalent toutefois une forte sensibilité aux tensions "
            "régionales, des vagues d'annulations ayant suivi chaque regain de violence au "
            "Proche-Orient.",
            "Pour les autorités locales, les accords d'Abraham ont aussi permis de relancer des "
            "projets de restauration du patrimoine, dont la rénovation de la synagogue Lazama et "
            "du cimetière juif de Marrakech, financée en partie par des fondations privées.",
            "Les professionnels du secteur plaident désormais pour une meilleure formation des "
            "guides à l'hébreu et pour des campagnes de promotion ciblant des régions moins "
            "connues, comme la vallée du Drâa ou l'Oriental.",
        ),
    ),
    Article(
        path=MN_OLIVES_FR,
        title="Sécheresse : la récolte d'olives recule de 30 % dans le Souss",
        authors=("Karim Idrissi",),
        published=timedelta(hours=10),
        utc_offset=MA,
        language="fr",
        section="Régions",
        tags=("Agriculture", "Sécheresse"),
        description="Sixième année de déficit pluviométrique : les rendements en huile s'effondrent.",
        paragraphs=(
            "AGADIR — La récolte d'olives de la région Souss-Massa devrait reculer d'environ "
            "30 % cette saison, selon les premières estimations de la direction régionale de "
            "l'agriculture, conséquence d'une sixième année consécutive de déficit "
            "pluviométrique.",
            "Dans les vergers de la plaine de Taroudant, les producteurs constatent des fruits "
            "plus petits et des rendements en huile en forte baisse. « Nous avons irrigué autant "
            "que possible, mais les nappes sont au plus bas et le prix de l'électricité pour le "
            "pompage a doublé », témoigne Lahcen Oubella, qui exploite douze hectares près "
            "d'Ouled Teima.",
            "La baisse de l'offre se répercute déjà sur les marchés : le litre d'huile d'olive se "
            "négocie entre 90 et 110 dirhams dans les souks de la région, contre 70 dirhams il y "
            "a un an. Les coopératives craignent que les consommateurs ne se tournent vers des "
            "huiles de graines importées, moins chères.",
            "Pour limiter les pertes, le ministère de l'Agriculture a annoncé une enveloppe de "
            "400 millions de dirhams destinée à subventionner l'irrigation localisée et le "
            "remplacement des vieux arbres par des variétés plus résistantes à la sécheresse. "
            "Les agronomes plaident aussi pour une meilleure gestion des eaux souterraines, "
            "surexploitées depuis des décennies.",
            "Les professionnels espèrent désormais des pluies d'hiver abondantes, indispensables "
            "à la floraison de la prochaine campagne.",
        ),
    ),
    Article(
        path=MN_SERFATY_FR,
        title="Casablanca rend hommage à Abraham Serfaty, figure de l'opposition marocaine",
        authors=("Nadia Berrada",),
        published=timedelta(hours=76),
        utc_offset=MA,
        language="fr",
        section="Culture",
        tags=("Histoire", "Droits humains"),
        description="Une bibliothèque portant le nom de l'opposant disparu en 2010 a été inaugurée.",
        paragraphs=(
            "CASABLANCA — Plusieurs centaines de personnes se sont réunies samedi au siège d'une "
            "association de défense des droits humains pour rendre hommage à Abraham Serfaty, "
            "l'opposant et militant de gauche disparu en 2010, à l'occasion de l'inauguration "
            "d'une bibliothèque portant son nom.",
            "Né en 1926 à Casablanca dans une famille juive originaire de Tanger, Abraham "
            "Serfaty avait vingt-neuf ans lorsque les accords de La Celle-Saint-Cloud ouvrirent "
            "la voie à l'indépendance du Maroc. Ingénieur des mines, il occupa des postes de "
            "responsabilité à l'Office chérifien des phosphates avant de s'engager pleinement "
            "dans le militantisme politique.",
            "Arrêté en 1974 et condamné en 1977 à la réclusion à perpétuité, il passa dix-sept "
            "ans à la prison centrale de Kénitra avant d'être libéré et expulsé vers la France "
            "en 1991. Il ne put rentrer au Maroc qu'en 1999, quelques mois après l'accession au "
            "trône de Mohammed VI.",
            "« Abraham était un homme de principes, parfois intransigeant, mais toujours fidèle "
            "à l'idée d'un Maroc pluriel », a rappelé un ancien compagnon de détention. La "
            "bibliothèque rassemble plus de 3 000 ouvrages donnés par sa famille et ses proches, "
            "ainsi qu'une partie de ses archives personnelles.",
            "Les organisateurs prévoient un cycle de conférences sur l'histoire des luttes "
            "démocratiques au Maroc, ouvert aux lycéens et aux étudiants, dès le mois de janvier.",
        ),
    ),
    Article(
        path=MN_DERBY_AR,
        title="الرجاء يتغلب على الوداد في ديربي الدار البيضاء",
        authors=("سعيد بناني",),
        published=timedelta(hours=44),
        utc_offset=MA,
        language="ar",
        section="رياضة",
        tags=("كرة القدم", "البطولة الاحترافية"),
        description="هدف متأخر من خارج منطقة الجزاء يمنح الرجاء فوزاً ثميناً في الديربي.",
        paragraphs=(
            "الدار البيضاء – حقق فريق الرجاء الرياضي فوزاً ثميناً على غريمه التقليدي الوداد "
            "الرياضي بهدفين مقابل هدف واحد، مساء السبت، في ديربي الدار البيضاء الذي احتضنه "
            "ملعب محمد الخامس أمام مدرجات ممتلئة عن آخرها.",
            "وافتتح الرجاء التسجيل في الدقيقة 18 عن طريق مهاجمه الشاب أنس الزاوي، الذي استغل "
            "كرة عرضية متقنة من الجهة اليسرى. وعاد الوداد في النتيجة بعد الاستراحة بفضل ضربة "
            "جزاء نفذها قائده بنجاح في الدقيقة 56.",
            "وفي الوقت الذي اتجهت فيه المباراة نحو التعادل، خطف البديل حمزة العمراني هدف الفوز "
            "في الدقيقة 84 بتسديدة قوية من خارج منطقة الجزاء، ليشعل مدرجات الجماهير الخضراء.",
            "وبهذا الانتصار، يرتقي الرجاء إلى المركز الثاني في ترتيب البطولة الاحترافية برصيد 24 "
            "نقطة، متأخراً بنقطة واحدة عن المتصدر، فيما تراجع الوداد إلى المركز الخامس.",
            "وعرفت المباراة حضور أكثر من 45 ألف متفرج وسط إجراءات تنظيمية مشددة، فيما أشادت "
            "الصحافة الرياضية بالأجواء الاحتفالية التي صنعتها جماهير الفريقين قبل انطلاق اللقاء "
            "وبعده.",
            "وقال مدرب الرجاء في الندوة الصحفية عقب اللقاء إن فريقه «لعب بروح قتالية عالية "
            "طيلة التسعين دقيقة»، مؤكداً أن الأهم هو مواصلة الانتصارات في الجولات المقبلة "
            "والحفاظ على تركيز اللاعبين.",
        ),
    ),
    Article(
        path=MN_OLD_AR,
        title="ندوة في الرباط تقيّم حصيلة الاتفاقيات الإبراهيمية",
        authors=("يوسف العلوي",),
        published=timedelta(days=40),
        utc_offset=MA,
        language="ar",
        section="سياسة",
        tags=("الاتفاقيات الإبراهيمية",),
        description="باحثون ودبلوماسيون يناقشون حصيلة خمس سنوات من التعاون.",
        relevant=True,
        paragraphs=(
            "الرباط – احتضنت العاصمة المغربية، يوم الخميس، ندوة دولية خصصت لتقييم حصيلة "
            "الاتفاقيات الإبراهيمية بعد خمس سنوات على توقيعها، بمشاركة باحثين ودبلوماسيين من "
            "عدة دول.",
            "وأجمع المتدخلون على أن اتفاقيات أبراهام أسهمت في تنشيط المبادلات التجارية "
            "والسياحية، غير أنهم أشاروا إلى أن أثرها على الرأي العام ما يزال محدوداً.",
            "ودعا المشاركون في ختام الندوة إلى تعزيز البحث الأكاديمي المشترك وتوسيع برامج "
            "التبادل الطلابي، معتبرين أن الاستثمار في الشباب هو الضمان الحقيقي لاستدامة هذه "
            "الشراكة.",
            "ومن المقرر أن تصدر أعمال الندوة في كتاب جماعي خلال الأشهر المقبلة.",
        ),
    ),
)

MAGHREB_NEWS = Site(
    name="maghreb-news",
    title="Maghreb News",
    language="fr",
    tagline="L'actualité du Maroc et du Maghreb en français et en arabe",
    articles=MAGHREB_NEWS_ARTICLES,
    nav=(Link("/", "Accueil"), Link("/ar/", "العربية"), Link("/fr/", "Français")),
    home=(Link(MN_AGRI_AR), Link(MN_TOURISM_FR), Link(MN_OLIVES_FR)),
    most_read=(MN_OLIVES_FR, MN_DERBY_AR),
    sections=(
        Section("/ar/", "الأخبار بالعربية", "ar", (Link(MN_AGRI_AR), Link(MN_DERBY_AR))),
        Section("/fr/", "Actualités en français", "fr",
                (Link(MN_TOURISM_FR), Link(MN_OLIVES_FR), Link(MN_SERFATY_FR))),
    ),
    robots="User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap_index.xml\n",
    sitemap_index_path="/sitemap_index.xml",
    footer=(Link("/mentions-legales/", "Mentions légales"), Link("/contact/", "Contact"),
            Link("/confidentialite/", "Confidentialité")),
)

# ---------------------------------------------------------------------------------------
# global-wire: English and Russian wire service with an Atom feed, no robots.txt
# ---------------------------------------------------------------------------------------

GW_CORRIDOR_RU = "/ru/avraamovy-soglasheniya-transportnyj-koridor.html"
GW_SYNDICATED_EN = "/news/abraham-accords-aviation-water-deals.html"
GW_SNOW_RU = "/ru/moskva-rekordnyj-snegopad.html"

GLOBAL_WIRE_ARTICLES = (
    Article(
        path=GW_CORRIDOR_RU,
        title="Авраамовы соглашения: в Абу-Даби обсудили новый транспортный коридор",
        authors=("Ирина Соколова",),
        published=timedelta(hours=9),
        utc_offset=MSK,
        language="ru",
        section="Мир",
        tags=("Авраамовы соглашения", "Ближний Восток", "Логистика"),
        description=(
            "Израиль, ОАЭ, Бахрейн и Марокко обсуждают сухопутный маршрут от Персидского залива "
            "к Средиземному морю."
        ),
        jsonld=True,
        relevant=True,
        paragraphs=(
            "АБУ-ДАБИ — Представители Израиля, Объединённых Арабских Эмиратов, Бахрейна и "
            "Марокко на встрече в Абу-Даби обсудили создание сухопутного транспортного "
            "коридора, который должен связать порты Персидского залива со Средиземным морем. "
            "Участники назвали проект следующим этапом сотрудничества, начатого в 2020 году, "
            "когда были подписаны Авраамовы соглашения.",
            "По словам источников, знакомых с ходом переговоров, речь идёт о маршруте "
            "протяжённостью около 2500 километров, включающем автомобильные и железнодорожные "
            "участки через территорию Иордании. Предварительная стоимость инфраструктуры "
            "оценивается в 8–10 млрд долларов, а первые грузовые перевозки могут начаться не "
            "раньше 2029 года.",
            "«Авраамовы соглашения доказали, что экономические интересы способны сблизить "
            "страны, которые десятилетиями не поддерживали отношений», — заявил агентству "
            "эмиратский чиновник, попросивший не называть его имени. По его словам, "
            "товарооборот между ОАЭ и Израилем за последние годы вырос в несколько раз.",
            "Эксперты, однако, указывают на риски. «Любой крупный инфраструктурный проект в "
            "регионе зависит от политической стабильности, а её сейчас явно не хватает», — "
            "отмечает востоковед Андрей Лебедев. Он также обращает внимание на то, что часть "
            "арабских стран по-прежнему занимает выжидательную позицию.",
            "По данным статистических служб, за первые девять месяцев года объём торговли "
            "Израиля с ОАЭ превысил 2,5 млрд долларов. Основную долю составляют драгоценные "
            "камни, электроника, медицинское оборудование и продовольствие. Новый коридор, по "
            "замыслу его сторонников, позволит заметно сократить сроки доставки грузов по "
            "сравнению с морским путём через Суэцкий канал.",
            "Следующий раунд консультаций запланирован на февраль в Рабате. Ожидается, что к "
            "нему стороны подготовят технико-экономическое обоснование проекта и согласуют "
            "порядок его финансирования.",
        ),
    ),
    Article(
        path=GW_SYNDICATED_EN,
        title="Abraham Accords partners sign aviation and water deals in Abu Dhabi",
        authors=("Dana Levin",),
        published=timedelta(hours=11),
        utc_offset=NYC,
        language="en",
        section="World",
        tags=("Abraham Accords", "Middle East"),
        description="Israel, the UAE, Bahrain and Morocco agree on flights and desalination research.",
        canonical=False,  # no rel=canonical; og:url is OFF-SITE (the Israel Daily original)
        og_url=("israel-daily", ID_SUMMIT),
        relevant=True,
        paragraphs=(
            "ABU DHABI — Israel, the United Arab Emirates, Bahrain and Morocco signed new "
            "agreements on direct flights and water research on Friday, as their delegations "
            "met in Abu Dhabi to mark the anniversary of the Abraham Accords.",
            "Under the aviation memorandum, airlines from the four countries may add up to 60 "
            "weekly flights between their main airports over two years. A joint fund worth "
            "$120 million will finance research into desalination and the reuse of treated "
            "wastewater, with contributions from governments and private companies.",
            "Officials from several delegations said the technical programmes were meant to "
            "shield the relationship from political shocks. Diplomats acknowledged, however, "
            "that public opinion in parts of the Gulf remained cautious and that some cultural "
            "events had been scaled back for security reasons.",
            "Trade between Israel and the Emirates has grown rapidly since normalisation, and "
            "officials said more than a million Israeli tourists had visited the UAE since direct "
            "flights began. Bahraini and Moroccan delegates said they hoped the new programmes "
            "would bring similar gains to their own economies.",
            "The partners plan to meet next in Rabat in the spring, where Moroccan officials "
            "hope to conclude an agreement on agricultural research and student scholarships.",
            "This report was first published by Israel Daily and is distributed by Global Wire "
            "under a content-sharing agreement. It has been edited for length.",
        ),
    ),
    Article(
        path=GW_SNOW_RU,
        title="Москву накрыл рекордный ноябрьский снегопад",
        authors=("Андрей Климов",),
        published=timedelta(hours=27),
        utc_offset=MSK,
        language="ru",
        section="Россия",
        tags=("Погода", "Москва"),
        description="За сутки выпало около 70 процентов месячной нормы осадков.",
        jsonld=True,
        paragraphs=(
            "МОСКВА — За минувшие сутки в столице выпало около 70 процентов месячной нормы "
            "осадков, сообщили в Гидрометцентре. Высота снежного покрова на метеостанции ВДНХ "
            "достигла 28 сантиметров — это рекорд для последней декады ноября за полвека "
            "наблюдений.",
            "Из-за снегопада на дорогах образовались многокилометровые пробки, утром "
            "загруженность в отдельных районах оценивалась в девять баллов. Городские службы "
            "вывели на улицы более 12 тысяч единиц техники, а мэрия призвала автомобилистов по "
            "возможности пересесть на общественный транспорт.",
            "В аэропортах Шереметьево и Внуково были задержаны десятки рейсов: перед вылетом "
            "самолёты приходилось обрабатывать противообледенительной жидкостью. К вечеру "
            "расписание в основном удалось восстановить.",
            "По словам синоптиков, в ближайшие дни осадки ослабнут, но температура опустится до "
            "минус 12 градусов. Коммунальные службы предупреждают о гололёде и просят пешеходов "
            "быть внимательнее у подъездов и на остановках общественного транспорта.",
            "Синоптики напоминают, что предыдущий рекорд для этого времени года был установлен "
            "в 1973 году: тогда высота снежного покрова в конце ноября составила 25 сантиметров. "
            "Нынешний снегопад, по их оценке, войдёт в число самых сильных за всю историю "
            "наблюдений.",
        ),
    ),
)

GLOBAL_WIRE = Site(
    name="global-wire",
    title="Global Wire",
    language="en",
    tagline="World news, around the clock",
    articles=GLOBAL_WIRE_ARTICLES,
    nav=(Link("/", "Home"), Link("/world/", "World")),
    home=(Link(GW_SYNDICATED_EN), Link(GW_CORRIDOR_RU), Link(GW_SNOW_RU),
          Link("/", "Israel Daily", site="israel-daily")),
    most_read=(GW_SNOW_RU,),
    sections=(
        Section("/world/", "World", "en",
                (Link(GW_SYNDICATED_EN), Link(GW_CORRIDOR_RU), Link(GW_SNOW_RU))),
    ),
    robots=None,
    atom_path="/atom.xml",
    jsonld_author_list=False,
)

SITES: dict[str, Site] = {site.name: site for site in (ISRAEL_DAILY, MAGHREB_NEWS, GLOBAL_WIRE)}

#: Topic phrases used in the articles (exact nominative forms), for the data sanity tests.
TOPIC_PHRASES = (
    "Abraham Accords",
    "اتفاقيات أبراهام",
    "الاتفاقيات الإبراهيمية",
    "הסכמי אברהם",
    "accords d'Abraham",
    "Авраамовы соглашения",
)
