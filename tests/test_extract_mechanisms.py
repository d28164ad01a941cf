"""The main-content mechanisms of issue 22, each on a small page shaped like the real ones where it
failed: a body split into sibling blocks, a teaser block beside the body, link lists inside the
article, title/byline/date lines that repeat the page's metadata, tag clouds and kudos lists,
documentation sections whose ids contain boilerplate words, and comment threads."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from curation.extract.main_content import extract_main_text
from curation.extract.page_meta import read_page_meta, remove_meta_lines
from curation.extract.text_cleanup import text_weight

P1 = ("The council approved the new budget on Tuesday after a debate that lasted well into the "
      "night, and the mayor said the library would open again in the spring.")
P2 = ("Residents who spoke at the meeting asked for more money for the bridge repairs, which the "
      "engineers say cannot wait for another winter of heavy traffic and frost.")
P3 = ("The budget also funds two new bus lines, a programme of street trees and the renovation of "
      "the swimming pool, which has been closed since the storm damaged its roof.")
HEAD = """<head><title>Council approves the budget for next year | Daily Example</title>
<meta property="og:title" content="Council approves the budget for next year">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council approves the
budget for next year", "author": {"@type": "Person", "name": "Jane Reporter"},
"datePublished": "2024-03-05"}</script></head>"""


def page(body: str) -> str:
    return (f"<html>{HEAD}<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"{body}<footer>Copyright 2024 Daily Example</footer></body></html>")


def links(*names: str) -> str:
    return "".join(f'<li><a href="/{i}">{name}</a></li>' for i, name in enumerate(names))


CASES = [
    # (name, body html, text that must be in the output, text that must not)
    ("sibling blocks are merged",
     f'<article><div class="article__chunks"><p>{P1}</p></div><div class="ad">Advertisement</div>'
     f'<div class="article__chunks"><p>{P2}</p></div><div class="article__chunks"><p>{P3}</p>'
     f"</div></article>",
     (P1, P2, P3), ("Advertisement",)),
    ("a teaser block does not win against the body",
     '<div class="entry-content"><ul>'
     + links("Ten tips for gardens in the dry summer months ahead",
             "Why cats purr at night and what it means for owners",
             "The best bakeries of the old town, ranked by our readers",
             "How the tram network grew over the last hundred years")
     + f'</ul></div><div class="entry-content"><p>{P1}</p><p>{P2}</p></div>',
     (P1, P2), ("Ten tips for gardens",)),
    ("a link list between prose paragraphs stays",
     f'<div class="entry-content"><p>{P1} These are the races of the season:</p><ul>'
     '<li><strong><a href="/r1">Spring Ten</a></strong></li>'
     '<li><strong><a href="/r2">City Half Marathon</a></strong></li>'
     '<li><strong><a href="/r3">Autumn Trail</a></strong></li></ul>'
     f"<p>{P2}</p><h3>Related</h3><ul>"
     + links("Older news about the city", "More about the council", "Our newsletter archive")
     + "</ul></div>",
     ("City Half Marathon", P2), ("More about the council",)),
    ("a list whose items are sentences stays",
     f'<div class="entry-content"><p>{P1}</p><h3>Highlights</h3><ul>'
     '<li>We landed <a href="/b1">Bug 1553982</a>, which stops an update while another copy runs.'
     '</li><li>Thanks to <a href="/u">evilpie</a>, users can now import logins from a password '
     "manager file.</li></ul></div>",
     ("which stops an update while another copy runs", "users can now import logins"), ()),
    ("title, byline and date lines matching the metadata are removed",
     f'<article><h1>Council approves the budget for next year</h1><p>By Jane Reporter</p>'
     f'<p>5 March 2024</p><div class="entry-content"><p>{P1}</p><p>{P2}</p></div></article>',
     (P1, P2), ("Council approves the budget", "Jane Reporter", "March 2024")),
    ("tag clouds and kudos lists are removed, whatever their size",
     f'<div class="entry-content"><p>{P1}</p><p>{P2}</p><p class="kudos">'
     + ", ".join(f'<a href="/u{i}">reader_{i:03d}_name</a>' for i in range(60))
     + " left kudos</p></div>",
     (P1, P2), ("reader_001_name",)),
    ("a documentation section whose id holds a boilerplate word stays",
     f'<div class="content"><div class="section" id="sharing-with-a-single-developer">'
     f"<h2>Sharing with a single developer</h2><p>{P1}</p><p>{P2}</p><p>{P3}</p></div>"
     f'<div class="section" id="intro"><p>{P1}</p></div><div class="share">Share on social</div>'
     "</div>",
     (P3,), ("Share on social",)),
    ("a caption stays, a photo credit goes, a figure's table renders",
     f'<div class="entry-content"><p>{P1}</p><div class="wp-caption"><img src="/bridge.jpg" '
     'alt=""><p class="wp-caption-text">Engineers inspect the old bridge before the winter</p>'
     '</div><div class="wp-caption"><img src="/pool.jpg" alt=""><p class="wp-caption-text">'
     'Foto: Instagram</p></div><figure class="wp-block-table"><table><tr><td>Bus lines</td>'
     f"<td>2</td></tr></table></figure><p>{P2}</p></div>",
     ("Engineers inspect the old bridge before the winter", "Bus lines", P1, P2),
     ("Foto: Instagram",)),
    ("a headline outside the container is not prepended",
     f'<div class="post"><h1>A different headline of this story</h1><div class="entry-content">'
     f"<p>{P1}</p><p>{P2}</p></div></div>",
     (P1, P2), ("A different headline of this story",)),
    ("a short wrapper a fifth links goes, a prose wrapper with links stays",
     f'<div class="entry-content"><p>{P1}</p><div class="more">Read also: '
     '<a href="/a">Budget 2023</a> and our guide</div>'
     f'<div class="lead-text">{P2} <a href="/bridges">The bridge repairs</a> are explained '
     f"here.</div><p>{P3}</p></div>",
     (P1, P2, P3, "The bridge repairs"), ("Read also", "Budget 2023")),
    ("a big gallery below a short article goes",
     f'<div class="entry-content">{"".join(f"<p>{p}</p>" for p in (P1, P2, P3) * 3)}'
     '<ul class="legends">' + "".join(f"<li><h4>{i}/40 Slide</h4><p>{P3}</p></li>"
                                      for i in range(40)) + "</ul></div>",
     (P1, P2), ("1/40 Slide",)),
    ("a boilerplate-named body with little prose around it stays",
     f'<div class="entry-content"><div class="has-sidebar"><p>{P1}</p><p>{P2}</p><p>{P3}</p>'
     f"</div><p>Short note.</p></div>",
     (P1, P2, P3), ()),
    ("ruby readings above Japanese words are not text",
     f'<div class="entry-content"><p>{P1}</p><p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>ども'
     f"への<ruby>虐待<rt>ぎゃくたい</rt></ruby>をなくすための法律ができました。</p><p>{P2}</p></div>",
     ("子どもへの虐待をなくすための法律ができました。",), ("こども", "ぎゃくたい")),
    ("a declared article body wins over a long thread beside it",
     f'<div class="post"><div itemprop="articleBody"><p>{P1}</p><p>{P3}</p></div></div>'
     '<div class="thread">' + f"<p>{P2}</p>" * 12 + "</div>",
     (P1, P3), (P2,)),
    ("a lead paragraph beside the body joins it, a share box does not",
     '<div class="story"><div class="article__perex">The budget for next year passed after a '
     'night of debate, with money for the library, the bridge and two new bus lines.</div>'
     '<div class="social-share-box">Share this article with your friends on every network '
     f'you use, today and tomorrow and the day after</div><div class="article__content"><p>{P1}'
     f"</p><p>{P2}</p><p>{P3}</p></div></div>",
     ("The budget for next year passed", P1, P3), ("Share this article",)),
    ("a short closing sentence in Chinese is body text, as a long Latin one",
     '<div class="story-body"><p>香港行政长官梁振英在各方压力下就其大宅的违章建筑问题'
     '到立法会接受质询、并向香港民众道歉、'
     '梁振英此前承认早在去年参选行政长官之前就已知悉其住宅的违建问题、引发诚信危机。</p>'
     '<p>梁振英在选举中还击败了曾是自由党党员的前政务司司长唐英年、泛民主派议员们普遍指责梁振英。</p>'
     '<p>民主党此前计划在星期三对梁振英提出不信任动议。</p><p>分享</p></div>',
     ("民主党此前计划在星期三对梁振英提出不信任动议。",), ("分享",)),
    ("a comment thread is not the main container",
     f'<div class="article-body"><p>{P1}</p><p>{P3}</p></div><div id="comments">'
     f'<div class="post-text"><p>{P2} {P2} {P2}</p></div></div>',
     (P1, P3), (P2,)),
]


@pytest.mark.parametrize(("name", "body", "kept", "removed"), CASES, ids=[c[0] for c in CASES])
def test_mechanism(name, body, kept, removed):
    text = extract_main_text(page(body)).text
    for snippet in kept:
        assert snippet in text, (name, text)
    for snippet in removed:
        assert snippet not in text, (name, text)


@pytest.mark.parametrize(
    ("line", "removed"),
    [
        ("Council approves the budget for next year", True),  # og:title, JSON-LD headline
        ("Council approves the budget for next year | Daily Example", True),  # <title>
        ("By Jane Reporter", True),  # meta author
        ("Jane Reporter, City Hall", True),
        ("05.03.2024, 10:00", True),  # datePublished
        ("March 5, 2024", True),
        ("Daily Example", False),  # a site name alone is under 20 characters: no title part
        ("March 6, 2024", False),  # another day
        ("Jane Reporter asked the mayor whether the council had read the engineers' report on the "
         "bridge before it voted, and he said it had.", False),  # a sentence, not a byline
    ],
)
def test_meta_lines(line, removed):
    meta = read_page_meta(LexborHTMLParser(f"<html>{HEAD}<body></body></html>"))
    text = f"{line}\n{P1}"
    assert (remove_meta_lines(text, meta) == P1) is removed


def test_meta_lines_inside_the_body_stay():
    meta = read_page_meta(LexborHTMLParser(f"<html>{HEAD}<body></body></html>"))
    text = "\n".join([P1, P2, P3, P1, "By Jane Reporter", P2, P3, P1, P2])
    assert remove_meta_lines(text, meta) == text


def test_broken_json_ld_is_ignored():
    html = ('<html><head><script type="application/ld+json">{"headline": </script>'
            "<title>A page title that is long</title></head><body></body></html>")
    meta = read_page_meta(LexborHTMLParser(html))
    assert meta.titles == {"a page title that is long"} and not meta.authors


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("The council met.", 16),  # Latin script: one per character
        ("民主党此前计划", 21),  # hanzi: three each
        ("会員限定です", 18),  # kanji and kana
        ("국회가 예산을", 7),  # Hangul is spaced like Latin script: one each
        ("GDP增长", 9),
    ],
)
def test_text_weight(text, weight):
    assert text_weight(text) == weight
