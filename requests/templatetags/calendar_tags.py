"""Template tag of the calendar box on "My assignments": the feed's addresses."""

from __future__ import annotations

from django import template

from requests import calendar
from sprachpool.models import InterpreterProfile

register = template.Library()


@register.simple_tag
def calendar_feed_links(profile: InterpreterProfile | None) -> dict[str, str] | None:
    """``{"url": https address, "webcal": webcal:// address}`` of the interpreter's feed, or
    ``None`` while it is switched off (or there is no profile)."""
    url = calendar.feed_url(profile=profile) if profile is not None else None
    if url is None:
        return None
    return {"url": url, "webcal": calendar.webcal_url(url)}
