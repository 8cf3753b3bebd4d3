"""Language-prefixed addresses, for the locale middleware's test only."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.urls import path


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.LANGUAGE_CODE)


urlpatterns = i18n_patterns(path("page/", page, name="page"))
