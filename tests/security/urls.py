"""The project's URLs plus one page whose view allows caching (tests of the cache headers)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control


@cache_control(public=True, max_age=600)
def cacheable(request: HttpRequest) -> HttpResponse:
    return HttpResponse("public")


urlpatterns = [
    path("test-cacheable/", cacheable, name="test-cacheable"),
    path("", include("config.urls")),
]
