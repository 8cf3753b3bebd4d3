"""The project's URLs plus two views that fail, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from comptoir.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("boom")


def refuse(request):
    raise PermissionDenied


urlpatterns = [
    path("test-boom/", boom),
    path("test-refuse/", refuse),
    *project_urlpatterns,
]
