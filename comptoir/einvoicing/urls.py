from django.urls import path

from . import views

app_name = "einvoicing"

urlpatterns = [
    path("webhook/<slug:org_slug>/", views.webhook, name="webhook"),
]
