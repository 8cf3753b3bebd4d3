from django.shortcuts import redirect

from comptoir.organizations.models import Organization


def home(request):
    """`/` leads to the first organization's shop (the demo's `/try/`)."""
    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        return redirect("admin:index")
    return redirect(f"/{organization.slug}/")
