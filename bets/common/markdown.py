"""Safe markdown for claim texts: python-markdown, then an nh3 allow-list.

Raw HTML in the source is never passed through: markdown's HTML handling is switched off so
`<script>` shows up as text, and the nh3 allow-list is a second wall in case an extension ever
produces something unexpected. Links keep only http(s) and mailto targets.
"""

import html
import re
from functools import lru_cache

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_SOURCE = 50_000
# A claim page shows the same statement and criteria on every view, and converting one costs
# about 1 ms (a new converter each time: python-markdown's converter keeps state between
# calls). The output is a pure function of the text, so short texts are kept per process.
MEMO_ENTRIES = 512
MEMO_MAX_SOURCE = 8_000


def _converter() -> md.Markdown:
    converter = md.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    # Treat raw HTML blocks and inline tags as literal text instead of markup.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def render_markdown(text: str) -> str:
    """HTML that is safe to insert into a page, whatever `text` contains."""
    text = (text or "")[:MAX_SOURCE]
    if len(text) <= MEMO_MAX_SOURCE:
        return _render_memoized(text)
    return _render(text)


@lru_cache(maxsize=MEMO_ENTRIES)
def _render_memoized(text: str) -> str:
    return _render(text)


def _render(text: str) -> str:
    html = _converter().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_BLANK_LINES = re.compile(r"\n{3,}")


def markdown_text(text: str) -> str:
    """The plain text a reader sees once `text` is rendered, for notifications and emails:
    no `*`, `_` or `#` markup left, a link's address after its words."""
    rendered = _render((text or "")[:MAX_SOURCE])

    def link(match: re.Match) -> str:
        address, words = html.unescape(match.group(1)), match.group(2)
        return words if html.unescape(nh3.clean(words, tags=set())) == address else (
            f"{words} ({html.escape(address)})")

    plain = html.unescape(nh3.clean(_LINK.sub(link, rendered), tags=set()))
    return _BLANK_LINES.sub("\n\n", plain).strip()
