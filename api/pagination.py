"""Page-number pagination for every list: ``?page=`` and ``?page_size=`` (at most 200).

A ``page`` or ``page_size`` that is not a positive whole number is a 400 (DRF would
silently fall back to the default, so a typo went unnoticed and the schema's ``integer``
was not kept); a larger page size is capped at 200 as documented; a page past the last is
a 404.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Any) -> int | None:
        _check_positive(request, self.page_size_query_param)
        return super().get_page_size(request)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        _check_positive(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)


def _check_positive(request: Any, name: str) -> None:
    """400 unless the query parameter ``name`` is absent or a whole number of at least 1."""
    raw = request.query_params.get(name)
    if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
        raise exceptions.ValidationError({name: [_("Enter a whole number of at least 1.")]})
