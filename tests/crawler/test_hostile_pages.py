"""Markup and scripts in a page never reach the stored text fields."""

from __future__ import annotations

from crawler.normalize import normalize

PAGE = """<html lang="en"><head>
<title>Accords &lt;script&gt;alert(1)&lt;/script&gt; summit</title>
<meta property="og:type" content="article">
<meta property="og:description" content="Talks &lt;img src=x onerror=alert(2)&gt; in Abu Dhabi">
<meta property="og:image" content="javascript:alert(3)">
<meta name="author" content="&lt;b onclick=alert(4)&gt;Jane Doe&lt;/b&gt;">
<meta name="keywords" content="&lt;script&gt;x()&lt;/script&gt;diplomacy, UAE">
<link rel="canonical" href="javascript:alert(5)">
<script>document.write('<p>Injected paragraph from a script that is long enough to look like text.</p>')</script>
</head><body onload="alert(6)">
<article><h1 onclick="alert(7)">Accords summit</h1>
<p onmouseover="alert(8)">Delegations met in Abu Dhabi to review the Abraham Accords and agreed on flights,
water projects and trade offices, officials said on Tuesday after the meeting ended.</p>
<p>Read the <a href="javascript:alert(9)">statement</a> of the ministers, who said more meetings would follow
in Rabat and Manama before the end of the year, with business delegations joining them.</p>
<p>Analysts said the talks showed that cooperation under the accords continues despite regional tensions,
and that the next step would be a joint fund for desalination research.</p>
<script>alert(10)</script><noscript><p>Enable JavaScript</p></noscript>
</article></body></html>"""


def test_no_markup_or_script_reaches_stored_fields() -> None:
    article = normalize("https://e.example/summit", PAGE)
    texts = [article.title, article.description or "", article.body, *article.authors, *article.tags,
             article.image_url or "", article.canonical_url]
    for text in texts:
        for marker in ("<", ">", "alert(", "javascript:", "onerror", "onclick", "Injected"):
            assert marker not in text, (marker, text)
    assert article.title == "Accords summit"  # JSON-LD absent: og/title; the script in <title> is dropped
    assert article.authors == ["Jane Doe"]
    assert article.tags == ["diplomacy", "UAE"]
    assert (article.image_url, article.canonical_url) == (None, "https://e.example/summit")
    assert article.body.startswith("Delegations met in Abu Dhabi")
