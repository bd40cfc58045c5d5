"""Safe markdown for claim texts: python-markdown, then an nh3 allow-list.

Raw HTML in the source is never passed through: markdown's HTML handling is switched off so
`<script>` shows up as text, and the nh3 allow-list is a second wall in case an extension ever
produces something unexpected. Links keep only http(s) and mailto targets.
"""

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


def _converter() -> md.Markdown:
    converter = md.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    # Treat raw HTML blocks and inline tags as literal text instead of markup.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def render_markdown(text: str) -> str:
    """HTML that is safe to insert into a page, whatever `text` contains."""
    html = _converter().convert((text or "")[:MAX_SOURCE])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
