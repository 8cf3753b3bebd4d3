"""The PA's notifications (webhook): signed, idempotent, no session, no CSRF."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from comptoir.organizations.models import Organization

from .services.webhooks import InvalidWebhook, handle_webhook

MAX_BODY = 256 * 1024


@csrf_exempt  # authenticated by the HMAC signature of the body instead
@require_POST
def webhook(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=org_slug)
    body = request.body[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        return HttpResponseBadRequest("too large")
    try:
        handle_webhook(
            organization=organization,
            body=body,
            signature=request.headers.get("X-Signature-256", ""),
            event_id=request.headers.get("X-Event-Id", "")[:100],
        )
    except InvalidWebhook:
        return HttpResponseBadRequest("invalid")
    return HttpResponse("ok")
