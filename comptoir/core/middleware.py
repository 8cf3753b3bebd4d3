"""Security headers Django does not set by itself, and Django's locale
middleware without its work for language-prefixed addresses."""

from collections.abc import Callable

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=()")
        if "Content-Disposition" in response.headers:
            # Invoices and exports hold personal data: a shared counter
            # computer's browser must not keep a copy.
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


def _language_prefixed(request: HttpRequest) -> bool:
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    return is_language_prefix_patterns_used(urlconf)[0]


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's: the language from the cookie, then Accept-Language.

    Without `i18n_patterns` (Comptoir has none), Django still reads the
    first segment of every path, here the organization's slug, as a
    language code, twice a request, for nothing: that is skipped. The
    response still varies on Accept-Language and names its language.
    """

    def process_request(self, request: HttpRequest) -> None:
        if _language_prefixed(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if _language_prefixed(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
