"""Back-office forms: input checks only, with French messages."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import struct
import uuid
import warnings
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib.auth import authenticate
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from comptoir.catalog.models import Product, ProductKind
from comptoir.customers.forms import COMPANY_FIELDS, COUNTRY_CHOICES, ClientRecordForm
from comptoir.customers.models import Client, CustomerGroup, Profile
from comptoir.customers.selectors import clients_of, groups_of
from comptoir.customers.validators import (
    clean_postcode,
    clean_siret,
    clean_vat_number,
)
from comptoir.organizations.models import Organization, Park, User, UserKind
from comptoir.sales.models import Channel, PaymentMethod
from comptoir.sales.services import (
    Item,
    SaleError,
    Tender,
    settle_counter_payment,
)
from comptoir.sales.slots import (
    first_bookable_day,
    last_bookable_day,
    slot_choices,
    slot_problem,
    slot_start,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YES_NO = [(True, _("Oui")), (False, _("Non"))]
# Labels come from the TextChoices: never retyped here.
COUNTER_METHODS = [
    (method.value, method.label)
    for method in (
        PaymentMethod.CASH,
        PaymentMethod.CARD,
        PaymentMethod.CHEQUE,
        PaymentMethod.GIFT_VOUCHER,
    )
]
REFUND_METHODS = COUNTER_METHODS + [
    (PaymentMethod.ONLINE_CARD.value, PaymentMethod.ONLINE_CARD.label),
]
REFERENCE = re.compile(r"^[0-9a-f]{32}$")


def _yes_no(value) -> bool:
    return value in (True, "True", "true", "1", 1)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffLoginForm(forms.Form):
    """Staff only: a member's email and password never open the back office."""

    email = forms.EmailField(
        label=_("Adresse email"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            user = authenticate(
                self.request, email=email, password=password, kind=UserKind.STAFF
            )
            if user is None or not user.is_staff_member:
                raise forms.ValidationError(
                    _("Email ou mot de passe incorrect."), code="invalid_login"
                )
            self.user = user
        return cleaned


class GroupForm(forms.ModelForm):
    """A customer group's settings, as the product note shows them."""

    private_shop = forms.TypedChoiceField(
        label=_("Boutique en ligne privée"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        initial=False,
        help_text=_(
            "Les membres du groupe voient, une fois connectés, les produits "
            "réservés au groupe et ses prix."
        ),
    )
    online_invoices = forms.TypedChoiceField(
        label=_("Factures disponibles en ligne"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        initial=False,
        help_text=_(
            "Activer (ou non) la mise à disposition des factures en ligne. "
            "Note : « non » est activé par défaut."
        ),
    )

    class Meta:
        model = CustomerGroup
        fields = ["name", "private_shop", "online_invoices"]
        labels = {"name": _("Nom du groupe")}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = groups_of(self.organization.pk).filter(name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Un groupe porte déjà ce nom."))
        return name


IDENTITY_FIELDS = ["first_name", "last_name", "email", "profile", "initial_park"]
ADDRESS_FIELDS = [
    "phone",
    "address",
    "address_complement",
    "city",
    "postcode",
    "country",
]


class GroupsField(forms.ModelMultipleChoiceField):
    """Group ids; one beyond any database integer is refused as unknown
    (Django would hand it to the database, which raises)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # Django says it is no valid id
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class BackofficeClientForm(ClientRecordForm):
    """The whole client record, grouped as the product note shows it.

    Managers also choose the client's groups (which decide online invoices);
    cashiers see them but do not change them.
    """

    class Meta(ClientRecordForm.Meta):
        fields = IDENTITY_FIELDS + ["groups"] + ADDRESS_FIELDS + COMPANY_FIELDS
        labels = {
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "email": _("Adresse email"),
            "profile": _("Profil client"),
            "initial_park": _("Parc initial"),
            "groups": _("Groupes de clients"),
            "phone": _("Téléphone"),
            "address": _("Adresse"),
            "address_complement": _("Complément d'adresse"),
            "city": _("Ville"),
            "postcode": _("Code postal"),
            "company_name": _("Raison sociale"),
            "accounting_code": _("Code comptable compte tiers"),
            "vat_number": _("Numéro de TVA"),
            "siret": _("Siret / Immat."),
        }
        help_texts = {
            "siret": _("SIRET (14 chiffres) ou SIREN (9 chiffres), puis le RCS."),
            "vat_number": _("Par exemple FR28324567890 : la clé est vérifiée."),
        }
        widgets = {"groups": forms.CheckboxSelectMultiple}
        field_classes = {"groups": GroupsField}

    def __init__(
        self,
        *args,
        organization: Organization,
        can_edit_groups: bool,
        invoice_fields: dict[str, StrOrPromise],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.invoice_fields = invoice_fields
        initial_park = cast(forms.ModelChoiceField, self.fields["initial_park"])
        initial_park.queryset = organization.parks.all()
        initial_park.empty_label = _("— Aucun —")
        cast(forms.ChoiceField, self.fields["profile"]).choices = Profile.choices
        if can_edit_groups:
            groups = cast(forms.ModelMultipleChoiceField, self.fields["groups"])
            groups.queryset = groups_of(organization.pk)
        else:
            del self.fields["groups"]
        for name in invoice_fields:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = "invoice-legend"

    def sections(self) -> list[tuple[StrOrPromise, list]]:
        """The fields by block, in the product note's order."""
        blocks = [
            (_("Identité"), IDENTITY_FIELDS),
            (_("Groupes de clients"), ["groups"]),
            (_("Coordonnées"), ADDRESS_FIELDS),
            (_("Données d'entreprise"), COMPANY_FIELDS),
        ]
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in blocks
            if any(name in self.fields for name in names)
        ]


class ClientFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        widget=forms.SearchInput(
            attrs={"placeholder": _("Nom, société, email, ville, compte tiers")}
        ),
    )
    group = forms.ModelChoiceField(
        label=_("Groupe"), queryset=CustomerGroup.objects.none(), required=False
    )
    profile = forms.ChoiceField(
        label=_("Profil"),
        required=False,
        choices=[("", _("Tous")), *Profile.choices],
    )
    incomplete = forms.BooleanField(
        label=_("Fiche incomplète pour la facturation"), required=False
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        group = cast(forms.ModelChoiceField, self.fields["group"])
        group.queryset = groups_of(organization.pk)
        group.empty_label = _("Tous")


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher un client"),
        required=False,
        widget=forms.SearchInput(
            attrs={"placeholder": _("Nom, société, email, ville, compte tiers")}
        ),
    )


MIXED = "mixed"
PAYMENT_FIELDS = (
    "method",
    "cash_received",
    "card_amount",
    "cheque_amount",
    "voucher_amount",
    "voucher_code",
)


def _amount_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0.00"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Saisissez un montant, par exemple 12,50.")},
    )


class CounterSaleForm(forms.Form):
    """A basket paid at the counter.

    `reference` is drawn when the form is shown and sent back hidden: the
    same form submitted twice records one sale (see record_counter_sale).
    Unit prices come from `prices` (the client's, group prices included).
    With `for_payment=False` ("Calculer le total") the payment fields are
    neither required nor checked: a preview never shows a payment error.
    """

    reference = forms.CharField(widget=forms.HiddenInput)
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), required=False, widget=forms.HiddenInput
    )
    method = forms.ChoiceField(
        label=_("Moyen de paiement"),
        choices=COUNTER_METHODS + [(MIXED, _("Paiement mixte"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le moyen de paiement.")},
    )
    cash_received = _amount_field(_("Espèces reçues"))
    card_amount = _amount_field(_("Carte bancaire"))
    cheque_amount = _amount_field(_("Chèque"))
    voucher_amount = _amount_field(_("Bon cadeau"))
    voucher_code = forms.CharField(
        label=_("Code du bon cadeau"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    issue_invoice = forms.BooleanField(
        label=_("Éditer la facture tout de suite"), required=False
    )

    def __init__(
        self,
        *args,
        organization: Organization,
        products,
        prices: dict[int, Decimal] | None = None,
        time_zone: str = "Europe/Paris",
        for_payment: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.products = list(products)
        self.prices = prices or {}
        self.time_zone = time_zone
        self.for_payment = for_payment
        client = cast(forms.ModelChoiceField, self.fields["client"])
        client.queryset = clients_of(organization.pk)
        self.fields["method"].required = for_payment
        if not self.is_bound:
            self.initial.setdefault("reference", uuid.uuid4().hex)
        first, last = first_bookable_day(time_zone), last_bookable_day(time_zone)
        for product in self.products:
            self.fields[self.quantity_field(product)] = forms.IntegerField(
                label=product.name,
                required=False,
                min_value=0,
                max_value=999,
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": 999,
                        "inputmode": "numeric",
                        "placeholder": "0",
                    }
                ),
            )
            if product.kind == ProductKind.BOOKING:
                self.fields[f"slot_day_{product.pk}"] = forms.DateField(
                    label=_("Date"),
                    required=False,
                    widget=forms.DateInput(
                        attrs={
                            "type": "date",
                            "min": first.isoformat(),
                            "max": last.isoformat(),
                        },
                        format="%Y-%m-%d",
                    ),
                )
                self.fields[f"slot_time_{product.pk}"] = forms.ChoiceField(
                    label=_("Créneau"),
                    required=False,
                    choices=[("", "—")] + slot_choices(product),
                )

    @staticmethod
    def quantity_field(product: Product) -> str:
        return f"qty_{product.pk}"

    def price_of(self, product: Product) -> Decimal:
        return self.prices.get(product.pk, product.price_incl)

    def product_rows(self):
        return [
            {
                "product": product,
                "field": self[self.quantity_field(product)],
                "price": self.price_of(product),
                "discounted": self.price_of(product) != product.price_incl,
                "day": self[f"slot_day_{product.pk}"]
                if product.kind == ProductKind.BOOKING
                else None,
                "time": self[f"slot_time_{product.pk}"]
                if product.kind == ProductKind.BOOKING
                else None,
            }
            for product in self.products
        ]

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"]
        if not REFERENCE.match(reference):
            raise forms.ValidationError(_("Formulaire expiré : rechargez la page."))
        return reference

    def clean_voucher_code(self) -> str:
        return self.cleaned_data["voucher_code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        self._starts = {}
        for product in self.products:
            if product.kind != ProductKind.BOOKING:
                continue
            if not cleaned.get(self.quantity_field(product)):
                continue
            day = cleaned.get(f"slot_day_{product.pk}")
            time = cleaned.get(f"slot_time_{product.pk}")
            if day is None or not time:
                if self.for_payment:
                    self.add_error(
                        f"slot_day_{product.pk}",
                        _("Choisissez une date et un créneau pour « %(name)s ».")
                        % {"name": product.name},
                    )
                continue
            start = slot_start(day, dt.time.fromisoformat(time), self.time_zone)
            problem = slot_problem(product, start, self.time_zone)
            if problem:
                self.add_error(f"slot_day_{product.pk}", problem)
            else:
                self._starts[product.pk] = start
        if not self.items():
            raise forms.ValidationError(_("Ajoutez au moins un produit."))
        if self.for_payment:
            self._check_payment(cleaned)
        return cleaned

    def full_clean(self):
        super().full_clean()
        if not self.for_payment and self.is_bound:
            for name in PAYMENT_FIELDS:
                self._errors.pop(name, None)
                self.cleaned_data.pop(name, None)

    def _check_payment(self, cleaned) -> None:
        method = cleaned.get("method")
        code = cleaned.get("voucher_code")
        if method == PaymentMethod.GIFT_VOUCHER and not code:
            self.add_error("voucher_code", _("Saisissez le code du bon cadeau."))
        if method == MIXED:
            if cleaned.get("voucher_amount") and not code:
                self.add_error("voucher_code", _("Saisissez le code du bon cadeau."))
            if not any(
                cleaned.get(name)
                for name in (
                    "cash_received",
                    "card_amount",
                    "cheque_amount",
                    "voucher_amount",
                )
            ):
                self.add_error(
                    "method",
                    _("Paiement mixte : saisissez le montant de chaque moyen."),
                )

    def _quietly(self, name: str):
        """A payment field's value, or None when it is empty or malformed."""
        try:
            return self.fields[name].clean(self[name].value())
        except forms.ValidationError:
            return None

    def change_due(self) -> Decimal | None:
        """The change for the cash received, when the figures add up."""
        method = self["method"].value()
        received = self._quietly("cash_received")
        if not received or method not in (PaymentMethod.CASH, MIXED):
            return None
        others = []
        if method == MIXED:
            for tender_method, name in (
                (PaymentMethod.CARD, "card_amount"),
                (PaymentMethod.CHEQUE, "cheque_amount"),
                (PaymentMethod.GIFT_VOUCHER, "voucher_amount"),
            ):
                amount = self._quietly(name)
                if amount:
                    others.append(Tender(tender_method, amount, "-"))
        try:
            settlement = settle_counter_payment(
                total=self.total(), tenders=others, cash_received=received
            )
        except SaleError:
            return None
        return settlement.change_due

    def total(self) -> Decimal:
        return sum(
            # items() always sets the line price (price_of).
            (
                cast(Decimal, item.unit_price_incl) * item.quantity
                for item in self.items()
            ),
            Decimal("0.00"),
        )

    def items(self) -> list[Item]:
        data = getattr(self, "cleaned_data", {})
        starts = getattr(self, "_starts", {})
        return [
            Item(
                product,
                data[self.quantity_field(product)],
                unit_price_incl=self.price_of(product),
                booking_start=starts.get(product.pk),
            )
            for product in self.products
            if data.get(self.quantity_field(product))
        ]

    def payment(self) -> dict:
        """The keyword arguments of `record_counter_sale` that say how the
        sale is paid (the service checks that they add up)."""
        data = self.cleaned_data
        method = data.get("method")
        if method == MIXED:
            tenders = [
                Tender(m, data[name], data.get("voucher_code", "") if v else "")
                for m, name, v in (
                    (PaymentMethod.CARD, "card_amount", False),
                    (PaymentMethod.CHEQUE, "cheque_amount", False),
                    (PaymentMethod.GIFT_VOUCHER, "voucher_amount", True),
                )
                if data.get(name)
            ]
            return {
                "method": None,
                "tenders": tenders,
                "cash_received": data.get("cash_received"),
            }
        if method == PaymentMethod.GIFT_VOUCHER:
            return {
                "method": None,
                "tenders": [
                    Tender(
                        PaymentMethod.GIFT_VOUCHER, self.total(), data["voucher_code"]
                    )
                ],
                "cash_received": None,
            }
        if method == PaymentMethod.CASH:
            return {
                "method": method,
                "tenders": [],
                "cash_received": data.get("cash_received"),
            }
        return {"method": method, "tenders": [], "cash_received": None}


class RefundForm(forms.Form):
    """Quantities to give back per sale line; all of them with `everything`."""

    reference = forms.CharField(widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("Remboursé par"), choices=REFUND_METHODS)
    reason = forms.CharField(
        label=_("Motif"),
        max_length=200,
        initial=_("Remboursement"),
        error_messages={"required": _("Indiquez le motif du remboursement.")},
    )

    def __init__(self, *args, sale, **kwargs):
        super().__init__(*args, **kwargs)
        self.sale = sale
        self.lines = [line for line in sale.lines.all() if line.net_quantity > 0]
        if not self.is_bound:
            self.initial.setdefault("reference", uuid.uuid4().hex)
            self.initial.setdefault("method", _default_refund_method(sale))
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=line.description,
                required=False,
                min_value=0,
                max_value=line.net_quantity,
                widget=forms.NumberInput(attrs={"min": 0, "max": line.net_quantity}),
            )

    def line_rows(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"]
        if not REFERENCE.match(reference):
            raise forms.ValidationError(_("Formulaire expiré : rechargez la page."))
        return reference

    def quantities(self, everything: bool) -> dict[int, int] | None:
        if everything:
            return None
        return {
            line.pk: self.cleaned_data[f"line_{line.pk}"]
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.pk}")
        }


def _default_refund_method(sale) -> str:
    first = next((p for p in sale.payments.all() if p.amount > 0), None)
    return first.method if first else PaymentMethod.CASH


class PeriodFilterForm(forms.Form):
    start = forms.DateField(label=_("Du"), required=False, widget=_date_input())
    end = forms.DateField(label=_("Au"), required=False, widget=_date_input())
    park = forms.ModelChoiceField(
        label=_("Parc"), queryset=Park.objects.none(), required=False
    )
    client = forms.CharField(label=_("Client"), required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        park = cast(forms.ModelChoiceField, self.fields["park"])
        park.queryset = organization.parks.all()
        park.empty_label = _("Tous")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("La fin de la période précède son début."))
        return cleaned


class SaleFilterForm(PeriodFilterForm):
    channel = forms.ChoiceField(
        label=_("Canal"),
        required=False,
        choices=[("", _("Tous")), *Channel.choices],
    )
    invoice = forms.ChoiceField(
        label=_("Facture"),
        required=False,
        choices=[
            ("", _("Toutes")),
            ("with", _("Avec facture")),
            ("without", _("Sans facture")),
        ],
    )

    field_order = ["client", "start", "end", "channel", "park", "invoice"]


class DocumentFilterForm(PeriodFilterForm):
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("Factures et avoirs")),
            ("invoice", _("Factures")),
            ("credit_note", _("Avoirs")),
        ],
    )

    field_order = ["client", "start", "end", "park", "kind"]


# Park settings: the seller printed on invoices, its terms and its logo.

SERIES_CODE = re.compile(r"^[A-Z0-9]{1,10}$")
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 2000
LOGO_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}
PARK_IDENTITY_FIELDS = [
    "name",
    "company_name",
    "legal_form",
    "share_capital",
    "siren",
    "siret",
    "rcs",
    "vat_number",
]
PARK_ADDRESS_FIELDS = [
    "address",
    "address_complement",
    "postcode",
    "city",
    "country",
    "email",
    "phone",
]
PARK_INVOICE_FIELDS = [
    "invoice_series",
    "payment_terms",
    "penalty_text",
    "vat_on_debits",
    "require_buyer_siren",
]


def _digits(value: str) -> str:
    return re.sub(r"[\s.]", "", value or "")


def sanitised_logo(upload) -> SimpleUploadedFile:
    """The uploaded logo re-encoded from its pixels, or a French refusal.

    The content is read by Pillow, whatever the name or the announced type
    says; only PNG and JPEG are opened. Writing the pixels out again drops
    metadata (EXIF, ICC, text chunks) and anything hidden around the image
    (a polyglot's HTML, script or archive).
    """
    not_an_image = forms.ValidationError(
        _(
            "Le logo doit être une image PNG ou JPEG ; les autres formats "
            "(SVG, GIF, PDF…) sont refusés."
        ),
        code="logo_format",
    )
    if upload.size > LOGO_MAX_BYTES:
        raise forms.ValidationError(
            _("Le logo pèse plus de 1 Mo : réduisez-le avant de l'envoyer."),
            code="logo_size",
        )
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise forms.ValidationError(
            _("Le logo pèse plus de 1 Mo : réduisez-le avant de l'envoyer."),
            code="logo_size",
        )
    try:
        with warnings.catch_warnings():
            # A header announcing a huge image is refused, never decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(LOGO_FORMATS)) as probe:
                # Opened with `formats=`: the format is one of LOGO_FORMATS.
                image_format = cast(str, probe.format)
                width, height = probe.size
                if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
                    raise forms.ValidationError(
                        _(
                            "Le logo mesure %(width)d × %(height)d pixels : "
                            "%(max)d × %(max)d au plus."
                        )
                        % {"width": width, "height": height, "max": LOGO_MAX_SIDE},
                        code="logo_dimensions",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                pixels = _reencoded(upright, image_format)
    except forms.ValidationError:
        raise
    except (
        Image.UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        struct.error,
        EOFError,
    ):
        raise not_an_image from None
    extension, content_type = LOGO_FORMATS[image_format]
    name = f"{hashlib.sha256(pixels).hexdigest()[:20]}.{extension}"
    return SimpleUploadedFile(name, pixels, content_type=content_type)


def _reencoded(image: Image.Image, image_format: str) -> bytes:
    transparency = image.info.get("transparency")
    if image_format == "JPEG":
        clean = image.convert("RGB") if image.mode not in ("L", "RGB") else image
    elif image.mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
        clean = image.copy()
    else:
        clean = image.convert("RGBA")
    # Nothing of the original's metadata goes along, bar PNG transparency.
    clean.info = {}
    options: dict = {}
    if image_format == "PNG" and transparency is not None and clean.mode in ("P", "L"):
        options["transparency"] = transparency
    if image_format == "JPEG":
        options["quality"] = 90
    buffer = io.BytesIO()
    clean.save(buffer, format=image_format, optimize=True, **options)
    return buffer.getvalue()


class ParkForm(forms.ModelForm):
    """A park's seller identity, address, invoice terms and logo.

    What is issued keeps its own copy (the snapshot): a change here shows on
    the next documents only. The series code is frozen once the park has
    issued a document, so that its numbering stays continuous.
    """

    # Spaces and dots are welcome in the input; only the digits are kept.
    siren = forms.CharField(label=_("SIREN"), max_length=20)
    siret = forms.CharField(label=_("SIRET"), max_length=30)
    country = forms.ChoiceField(label=_("Pays"), choices=COUNTRY_CHOICES)
    vat_on_debits = forms.TypedChoiceField(
        label=_("TVA acquittée d'après les débits"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        help_text=_(
            "Si le parc a opté pour le paiement de la TVA d'après les débits, "
            "la mention figure sur ses factures."
        ),
    )
    require_buyer_siren = forms.TypedChoiceField(
        label=_("Exiger le SIREN de l'acheteur pour facturer"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        help_text=_(
            "Réforme de la facturation électronique : le SIREN de l'acheteur "
            "devient une mention obligatoire (2026 pour les grandes entreprises, "
            "2027 pour les autres)."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_(
            "PNG ou JPEG, 1 Mo et 2000 × 2000 pixels au plus. Il figure en tête "
            "des prochaines factures."
        ),
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo"), required=False)

    class Meta:
        model = Park
        fields = (
            PARK_IDENTITY_FIELDS + PARK_ADDRESS_FIELDS + PARK_INVOICE_FIELDS + ["logo"]
        )
        labels = {
            "name": _("Nom du parc"),
            "company_name": _("Raison sociale"),
            "legal_form": _("Forme juridique"),
            "share_capital": _("Capital social"),
            "siren": _("SIREN"),
            "siret": _("SIRET"),
            "rcs": _("RCS"),
            "vat_number": _("Numéro de TVA"),
            "address": _("Adresse"),
            "address_complement": _("Complément d'adresse"),
            "postcode": _("Code postal"),
            "city": _("Ville"),
            "email": _("Adresse email"),
            "phone": _("Téléphone"),
            "invoice_series": _("Code de série des factures"),
            "payment_terms": _("Conditions de paiement"),
            "penalty_text": _("Pénalités de retard"),
        }
        help_texts = {
            "share_capital": _("Par exemple : 50 000 €"),
            "rcs": _("Par exemple : RCS Sens 852 345 677"),
            "vat_number": _("Par exemple FR61852345677 : la clé est vérifiée."),
        }
        widgets = {
            "payment_terms": forms.Textarea(attrs={"rows": 2}),
            "penalty_text": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args, organization: Organization, series_locked: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.series_locked = series_locked
        series = self.fields["invoice_series"]
        if series_locked:
            series.disabled = True
            series.help_text = _(
                "Ce parc a déjà émis des factures avec ce code : il ne peut plus "
                "être modifié, pour que la numérotation reste continue."
            )
        else:
            series.help_text = _(
                "Par exemple KD : les factures seront numérotées FA-KD-…. Il ne "
                "pourra plus être modifié après la première facture (numérotation "
                "continue)."
            )

    def sections(self) -> list[tuple[StrOrPromise, list]]:
        blocks = [
            (_("Identité du vendeur"), PARK_IDENTITY_FIELDS),
            (_("Adresse et contact"), PARK_ADDRESS_FIELDS),
            (_("Factures"), PARK_INVOICE_FIELDS),
        ]
        return [(title, [self[name] for name in names]) for title, names in blocks]

    def clean_siren(self) -> str:
        siren = _digits(self.cleaned_data["siren"])
        if not re.fullmatch(r"[0-9]{9}", siren):
            raise forms.ValidationError(_("Le SIREN compte 9 chiffres."))
        return clean_siret(siren)

    def clean_siret(self) -> str:
        siret = _digits(self.cleaned_data["siret"])
        if not re.fullmatch(r"[0-9]{14}", siret):
            raise forms.ValidationError(_("Le SIRET compte 14 chiffres."))
        return clean_siret(siret)

    def clean_invoice_series(self) -> str:
        series = self.cleaned_data["invoice_series"].strip().upper()
        if self.series_locked:
            return self.instance.invoice_series
        if not SERIES_CODE.match(series):
            raise forms.ValidationError(
                _("De 1 à 10 lettres (sans accent) ou chiffres, par exemple KD.")
            )
        taken = Park.objects.filter(
            organization=self.organization, invoice_series=series
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Un autre parc utilise déjà ce code."))
        return series

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return sanitised_logo(logo)
        return logo

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_logo") and not isinstance(
            cleaned.get("logo"), UploadedFile
        ):
            cleaned["logo"] = False  # the model field then holds no file
        siren, siret = cleaned.get("siren"), cleaned.get("siret")
        if siren and siret and not siret.startswith(siren):
            self.add_error("siret", _("Le SIRET doit commencer par le SIREN."))
        try:
            cleaned["postcode"] = clean_postcode(
                cleaned.get("postcode", ""), cleaned.get("country") or "FR"
            )
        except forms.ValidationError as exc:
            self.add_error("postcode", exc)
        if "vat_number" in cleaned:
            try:
                cleaned["vat_number"] = clean_vat_number(
                    cleaned["vat_number"], siren or ""
                )
            except forms.ValidationError as exc:
                self.add_error("vat_number", exc)
        return cleaned


class InvoiceCorrectionForm(ClientRecordForm):
    """The buyer's data as the corrected invoice will show it, and why."""

    reason = forms.CharField(
        label=_("Motif de la correction"),
        max_length=200,
        help_text=_("Imprimé sur l'avoir et la nouvelle facture."),
    )

    class Meta(ClientRecordForm.Meta):
        fields = [
            "company_name",
            "address",
            "address_complement",
            "postcode",
            "city",
            "country",
            "vat_number",
            "siret",
            "accounting_code",
        ]
