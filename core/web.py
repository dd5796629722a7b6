"""Helpers every app's web views share: role checks, pagination, the caller's centers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from core.scoping import has_role

if TYPE_CHECKING:
    from core.models import User

PAGE_SIZE = 25


class AuthenticatedHttpRequest(HttpRequest):
    """An ``HttpRequest`` whose user is logged in: annotate views behind ``login_required``.

    Typing only (the pattern from the django-stubs README): ``login_required`` and
    ``role_required`` redirect anonymous visitors before the view runs, so there
    ``request.user`` is always a ``User``, never an ``AnonymousUser``.
    """

    user: User


def role_required(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let in logged-in users holding one of ``roles`` in any center; others get 403.

    Objects are still fetched from scoped querysets, so a foreign object stays a 404.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def paginate(
    request: HttpRequest, items: QuerySet[Any] | list[Any], *, per_page: int = PAGE_SIZE
) -> Page:
    """The page named by ``?page=`` (first page for anything unreadable, last when past the end)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current query string without ``page``, for pagination links that keep filters."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
