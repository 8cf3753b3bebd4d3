from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from comptoir.core.views import favicon, healthz
from comptoir.shop.views.catalog import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("backoffice/", include("comptoir.backoffice.urls")),
    path("einvoicing/", include("comptoir.einvoicing.urls")),
    path("<slug:org_slug>/espace-membre/", include("comptoir.members.urls")),
    path("<slug:org_slug>/", include("comptoir.shop.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL)
