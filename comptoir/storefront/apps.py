from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    """What the shop and the member space share: the page mixin, the basket,
    the customer-facing base template, icons, form fields, template tags and
    stylesheet. Both front ends sit above it; it sits above the domain."""

    name = "comptoir.storefront"
    label = "storefront"
