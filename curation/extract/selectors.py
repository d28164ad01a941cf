"""CSS selectors that find the main content of a page and the boilerplate around it.

The class and id vocabulary is the one that years of web-extraction work converged on: Readability
(Mozilla, `REGEXPS.unlikelyCandidates` / `positive`), trafilatura's `BODY_XPATH` and
`OVERALL_DISCARD_XPATH` (Barbaresi 2021) and jusText's boilerplate classes. We express it as CSS so
that lexbor (through resiliparse) matches it in C, once per selector, instead of a Python walk over
every node. Attribute matches use the `i` flag: `Post-Content` and `post-content` mean the same.

Main-content candidates are tried in order (most specific first), as trafilatura does; the first
candidate that holds enough text wins.
"""

from __future__ import annotations


def _attr_contains(words: tuple[str, ...], attrs: tuple[str, ...] = ("class", "id")) -> str:
    return ",".join(f'[{attr}*="{word}" i]' for word in words for attr in attrs)


# Most specific first: a CMS's article-body class names a single container.
MAIN_CONTENT_CANDIDATES: tuple[str, ...] = (
    '[itemprop="articleBody"],[itemprop="articlebody"]',
    _attr_contains((
        "post-text", "post_text", "post-body", "post-entry", "postentry", "post-content",
        "post_content", "postcontent", "article-text", "articletext", "entry-content",
        "article-content", "article__content", "article-body", "article__body", "articlebody",
        "article_body", "articlecontent", "page-content", "text-content", "body-text",
        "article__container", "art-content", "story-body", "storycontent", "story-content",
        "blog-content", "single-content", "field-body", "fulltext", "news-text", "news-content",
        "article-main", "rich-text", "richtext",
    )),
    "article",
    '[role="article"],[id="story"],[class="story"],[id="article"],[class="text"]',
    _attr_contains((
        "content-main", "content_main", "content-body", "contentbody", "content__body",
        "main-content", "maincontent", "main_content",
    )) + ',[id="content"],[class="content"],[id="main"]',
    'main,[role="main"]',
)

# Never text, wherever they are.
NON_TEXT_ELEMENTS: tuple[str, ...] = (
    "script", "style", "template", "svg", "canvas", "iframe", "object", "embed", "video", "audio",
    "map", "button", "select", "input", "textarea", "dialog", "head",
    # Ruby annotations: the reading of a Japanese or Chinese word printed above it (furigana);
    # kept, "子こども" doubles every annotated word.
    "rt", "rp",
)

# Boilerplate by element or role; removed unless it holds most of the container's text.
BOILERPLATE_ELEMENTS: tuple[str, ...] = (
    "nav", "footer", "aside", "menu", "noscript", "figcaption", "time",
    "[hidden]", '[aria-hidden="true"]', '[style*="display:none" i]', '[style*="display: none" i]',
    '[style*="visibility:hidden" i]', '[role="navigation"]', '[role="banner"]',
    '[role="contentinfo"]', '[role="complementary"]', '[role="search"]', '[role="dialog"]',
    '[role="alert"]', '[role="menu"]', '[role="menubar"]',
)

# Boilerplate by class or id (substring, case-insensitive).
BOILERPLATE_WORDS: tuple[str, ...] = (
    "footer", "sidebar", "side-bar", "breadcrumb", "cookie", "consent", "gdpr", "newsletter",
    "subscribe", "subscription", "signup", "sign-up", "login", "popup", "modal", "overlay",
    "banner", "advert", "sponsor", "teaser", "related", "copyright", "credit", "noprint",
    "payment", "donate", "donation", "support-us", "image-source", "image-credit", "photo-credit",
    "imginline", "img-meta", "author", "dateline", "post-date", "entry-date", "publish-date",
    "article-date", "readtime", "reading-time", "alert", "licence", "license", "sources", "utility",
    "flyout", "recommend", "more-articles", "read-more", "readmore", "share", "sharing", "social",
    "sociable", "syndication", "follow", "comment", "respond", "reply", "disqus", "pagination",
    "pager", "prev-next", "nav-links", "post-nav", "postnav", "navigation", "navbar", "topbar",
    "menu", "masthead", "skip-link", "skiplink", "widget-area", "widget_area", "widgettitle",
    "widget-title", "toolbar", "tag-list", "taglist", "tagcloud", "tag-cloud", "post-tags",
    "entry-tags", "entry-meta", "post-meta", "postmeta", "entry-footer", "byline", "author-bio",
    "author-box", "authorbox", "about-author", "rating", "print-link", "jp-relatedposts",
    "sharedaddy", "addtoany", "wp-block-latest", "yarpp", "outbrain", "taboola", "screen-reader",
    "sr-only", "visually-hidden", "visuallyhidden", "hidden-print",
    # Tag and archive widgets, category lists, promos and site-info footers (issue 22's classes).
    "widget_archive", "archive-list", "archives", "widget_categories", "cat-links", "tags-links",
    "tag-links", "post-categories", "most-popular", "mostpopular", "most-read", "trending",
    "promo-", "promo_", "promobox", "site-info", "more-stories", "more-from", "newsletter-signup", "about-us",
    "about-the-company", "boilerplate", "disclaimer",
    # Readability's `unlikelyCandidates` words not listed above.
    "legends", "combx", "shoutbox", "skyscraper", "supplemental", "agegate", "ai2html",
    "yom-remote", "remark", "rss",
)

# Short class or id words that must match as a whole token to avoid false hits ("nav" in
# "canvas"-like names is fine, but "ad" would hit "header", "head", "download").
BOILERPLATE_TOKENS: tuple[str, ...] = (
    "nav", "ad", "ads", "adv", "hidden", "hide", "meta", "tags", "share", "print", "top", "widget",
)


def boilerplate_element_selectors() -> tuple[str, ...]:
    return BOILERPLATE_ELEMENTS


def boilerplate_class_selectors() -> tuple[str, ...]:
    tokens = tuple(f'[class~="{word}" i]' for word in BOILERPLATE_TOKENS)
    return (_attr_contains(BOILERPLATE_WORDS, ("class",)), *tokens)


def boilerplate_id_selectors() -> tuple[str, ...]:
    tokens = tuple(f'[id="{word}" i]' for word in BOILERPLATE_TOKENS)
    return (_attr_contains(BOILERPLATE_WORDS, ("id",)), *tokens)


def boilerplate_selectors() -> tuple[str, ...]:
    return (*boilerplate_element_selectors(), *boilerplate_class_selectors(),
            *boilerplate_id_selectors())


# Comment threads: never the main container, even when a comment's body carries `post-text`.
COMMENT_SECTIONS = _attr_contains(("comment", "disqus", "respond", "reply", "replies"))


# Captions marked by class (WordPress `wp-caption-text`, `media__caption`): Readability keeps them
# as article text, and a caption of a few words is a photo credit ("Foto: Instagram") and goes.
# `<figcaption>` stays boilerplate: kept, it cost trafilatura_eval's tune half 0.004 F1 (its
# annotators mark captions as not content) for 0.0015 on extraction_wceb's.
CAPTIONS = '[class*="caption" i]'
