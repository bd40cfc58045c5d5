"""Template filters for Crux pages."""

import math

from django import template
from django.utils.safestring import mark_safe

from bets.common.markdown import render_markdown
from bets.web.claims.rows import claim_rows_html

register = template.Library()


@register.simple_tag(takes_context=True)
def section(context: template.Context, template_name: str, data: dict) -> str:
    """Render a page section that the page's view composed as plain data (a section builder
    in bets/web/), the way an inclusion tag would: a new context holding the request, the
    CSRF token and the section's own keys. It formats; it reads nothing."""
    assert context.template is not None  # set while a template renders this tag
    partial = context.template.engine.get_template(template_name)
    return partial.render(context.new({
        "request": context.get("request"), "csrf_token": context.get("csrf_token"), **data,
    }))


@register.filter
def other_side(side: str) -> str:
    return "no" if side == "yes" else "yes"


@register.simple_tag
def claim_rows(claims) -> str:
    """The rows of a claim list (see bets.web.claims.rows: each distinct row renders once)."""
    return claim_rows_html(claims)


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    # render_markdown escapes raw HTML and sanitises the result with an allow-list.
    return mark_safe(render_markdown(text))  # noqa: S308


@register.filter
def pct(value, digits: int = 1) -> str:
    """0.7234 -> '72.3%'; nothing for a missing value."""
    if value is None:
        return "—"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(value):
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


@register.filter
def num(value, digits: int = 1) -> str:
    """A score with a fixed number of decimals; a dash for a missing one."""
    if value is None:
        return "—"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(value):
        return "—"
    return f"{value:.{int(digits)}f}"


@register.filter
def pct_complement(value, digits: int = 1) -> str:
    """0.6 -> '40.0%': the other side's price."""
    try:
        return pct(1 - float(value), digits)
    except (TypeError, ValueError):
        return "—"
