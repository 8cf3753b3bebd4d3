"""Forms of the catalogue screens: products, group prices, booking slots."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import (
    Nature,
    Product,
    ProductKind,
    VatRate,
    weekday_choices,
)
from comptoir.catalog.services import (
    CatalogError,
    ProductData,
    ScheduleData,
    tax_treatment,
)
from comptoir.customers.models import CustomerGroup
from comptoir.customers.selectors import groups_of
from comptoir.organizations.logos import sanitised_logo
from comptoir.organizations.models import Organization, Park

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PRICE_MAX = Decimal("99999.99")


def _price_field(label, required=True, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.00"),
        max_value=PRICE_MAX,
        decimal_places=2,
        max_digits=7,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": _("Saisissez un montant, par exemple 12,50."),
            "max_decimal_places": _("Deux chiffres au plus après la virgule."),
        },
    )


def sanitised_image(upload) -> UploadedFile:
    """The product image re-encoded from its pixels, like the park's logo."""
    try:
        return sanitised_logo(upload)
    except forms.ValidationError as exc:
        messages: dict[str | None, StrOrPromise] = {
            "logo_format": _(
                "L'image doit être un fichier PNG ou JPEG ; les autres formats "
                "(SVG, GIF, PDF…) sont refusés."
            ),
            "logo_size": _(
                "L'image pèse plus de 1 Mo : réduisez-la avant de l'envoyer."
            ),
            "logo_dimensions": _("L'image mesure plus de 2000 pixels de côté."),
        }
        raise forms.ValidationError(
            messages.get(exc.code, exc.messages[0]), code=exc.code
        ) from None


class ProductForm(forms.Form):
    """A product's settings; the park is chosen once, at creation."""

    park: forms.ModelChoiceField[Park] = forms.ModelChoiceField(
        label=_("Parc"), queryset=None, empty_label=None
    )
    name = forms.CharField(label=_("Nom"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=ProductKind.choices)
    nature = forms.ChoiceField(
        label=_("Nature de l'opération"),
        choices=Nature.choices,
        help_text=_(
            "Mention de la facture électronique. Sans objet pour un bon cadeau."
        ),
    )
    vat_rate = forms.ChoiceField(
        label=_("Taux de TVA"),
        choices=VatRate.choices,
        required=False,
        help_text=_(
            "Un bon cadeau multi-usages est toujours « hors champ » ; les autres "
            "produits ont un taux."
        ),
    )
    price_incl = _price_field(_("Prix TTC (€)"))
    voucher_validity_days = forms.IntegerField(
        label=_("Validité (jours)"),
        min_value=1,
        max_value=3660,
        initial=365,
        help_text=_("Billets, entrées et bons cadeaux : jours à compter de l'achat."),
    )
    public = forms.BooleanField(
        label=_("En vente dans la boutique publique"), required=False
    )
    sold_at_counter = forms.BooleanField(
        label=_("En vente à la caisse"), required=False, initial=True
    )
    position = forms.IntegerField(
        label=_("Ordre dans la boutique"),
        min_value=0,
        max_value=9999,
        initial=0,
        help_text=_("Les plus petits numéros s'affichent en premier."),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG ou JPEG, 1 Mo et 2000 × 2000 pixels au plus."),
    )
    remove_image = forms.BooleanField(label=_("Retirer l'image"), required=False)

    def __init__(
        self,
        *args,
        organization: Organization,
        product: Product | None = None,
        **kwargs,
    ):
        if product is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": product.name,
                "description": product.description,
                "kind": product.kind,
                "nature": product.nature or product.operation_nature,
                "vat_rate": product.vat_rate,
                "price_incl": product.price_incl,
                "voucher_validity_days": product.voucher_validity_days,
                "public": product.public,
                "sold_at_counter": product.sold_at_counter,
                "position": product.position,
            }
        super().__init__(*args, **kwargs)
        self.product = product
        park = cast(forms.ModelChoiceField, self.fields["park"])
        park.queryset = organization.parks.order_by("name")
        if product is not None:
            del self.fields["park"]
        if product is None or not product.image:
            del self.fields["remove_image"]
        if self.data.get(self.add_prefix("kind")) == ProductKind.GIFT_VOUCHER:
            self.fields["nature"].required = False

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            return sanitised_image(image)
        return None

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            try:
                cleaned["vat_rate"], cleaned["nature"] = tax_treatment(
                    kind=kind,
                    vat_rate=cleaned.get("vat_rate") or "",
                    nature=cleaned.get("nature") or "",
                )
            except CatalogError as exc:
                self.add_error("vat_rate", exc.message)
        return cleaned

    def product_data(self) -> ProductData:
        data = self.cleaned_data
        return ProductData(
            name=data["name"].strip(),
            description=data["description"].strip(),
            kind=data["kind"],
            nature=data["nature"],
            vat_rate=data["vat_rate"],
            price_incl=data["price_incl"],
            voucher_validity_days=data["voucher_validity_days"],
            public=data["public"],
            sold_at_counter=data["sold_at_counter"],
            position=data["position"],
        )


class GroupPriceForm(forms.Form):
    """Open a product in a group's private shop, at a price of its own."""

    prefix = "groupe"  # shares the page with the product form: own field ids

    group: forms.ModelChoiceField[CustomerGroup] = forms.ModelChoiceField(
        label=_("Groupe de clients"),
        queryset=None,
        error_messages={"required": _("Choisissez un groupe.")},
    )
    price_incl = _price_field(
        _("Prix TTC du groupe (€)"),
        required=False,
        help_text=_("Vide : le prix public s'applique."),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        group = cast(forms.ModelChoiceField, self.fields["group"])
        group.queryset = groups_of(organization.pk).order_by("name")


class SlotScheduleForm(forms.Form):
    prefix = "creneaux"

    weekdays = forms.MultipleChoiceField(
        label=_("Jours d'ouverture"),
        choices=weekday_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un jour d'ouverture.")},
    )
    opens_at = forms.TimeField(
        label=_("Ouverture"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    closes_at = forms.TimeField(
        label=_("Fermeture"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    slot_minutes = forms.IntegerField(
        label=_("Durée d'un créneau (minutes)"), min_value=5, max_value=24 * 60
    )
    capacity = forms.IntegerField(
        label=_("Places par créneau"), min_value=1, max_value=10000
    )

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        minutes = cleaned.get("slot_minutes")
        if opens and closes:
            if closes <= opens:
                self.add_error("closes_at", _("La fermeture doit suivre l'ouverture."))
            elif minutes:
                span = (closes.hour * 60 + closes.minute) - (
                    opens.hour * 60 + opens.minute
                )
                if minutes > span:
                    self.add_error(
                        "slot_minutes",
                        _("Un créneau ne tient pas entre l'ouverture et la fermeture."),
                    )
        return cleaned

    def schedule_data(self) -> ScheduleData:
        data = self.cleaned_data
        return ScheduleData(
            weekdays="".join(data["weekdays"]),
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            slot_minutes=data["slot_minutes"],
            capacity=data["capacity"],
        )


class ClosedDayForm(forms.Form):
    prefix = "fermeture"

    day = forms.DateField(
        label=_("Jour de fermeture"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=_("Motif"), max_length=120, required=False)
