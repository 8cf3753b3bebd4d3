"""The catalogue (managers only): products, where they are sold and at what
price, booking slots and closed days.

Views only read the request and call the catalogue's services; every change
is in the product's history. Sales already made keep their own copy of
name, price and VAT rate.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from PIL import Image, UnidentifiedImageError

from comptoir.catalog.models import (
    Product,
    ProductKind,
    SlotSchedule,
    weekday_choices,
)
from comptoir.catalog.selectors import group_prices_of, products_of
from comptoir.catalog.services import (
    CatalogError,
    ProductSold,
    add_closed_day,
    create_product,
    delete_product,
    remove_closed_day,
    remove_group_price,
    save_slot_schedule,
    set_group_price,
    set_product_active,
    update_product,
)
from comptoir.catalog.slots import day_starts, schedule_of
from comptoir.core.audit import history
from comptoir.core.clock import business_date
from comptoir.core.money import format_money as money
from comptoir.customers.selectors import groups_of
from comptoir.sales.places import day_availability
from comptoir.sales.selectors import bookings_on, was_sold

from ..forms.catalog import (
    ClosedDayForm,
    GroupPriceForm,
    ProductForm,
    SlotScheduleForm,
)
from ..history import Entry
from ..mixins import ManagerRequiredMixin
from ..templatetags.backoffice import rate

PREVIEW_BOX = (320, 240)
FIELD_LABELS = {
    "name": _("Nom"),
    "description": _("Description"),
    "kind": _("Type"),
    "nature": _("Nature de l'opération"),
    "vat_rate": _("Taux de TVA"),
    "price_incl": _("Prix TTC"),
    "voucher_validity_days": _("Validité (jours)"),
    "public": _("Boutique publique"),
    "sold_at_counter": _("Caisse"),
    "position": _("Ordre dans la boutique"),
}


def image_preview(product: Product) -> str:
    """A small copy of the stored image, inline: media files are not served."""
    if not product.image:
        return ""
    try:
        # Not empty (checked above): the file has a name.
        with product.image.storage.open(cast(str, product.image.name), "rb") as fh:
            with Image.open(fh, formats=["PNG", "JPEG"]) as image:
                image.thumbnail(PREVIEW_BOX)
                buffer = io.BytesIO()
                image.save(buffer, format="PNG")
    except (OSError, UnidentifiedImageError, ValueError):
        return ""
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


MONEY_FIELDS = frozenset({"price_incl"})


def _shown(value: Any, name: str = "") -> str:
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if value in ("", None):
        return "—"
    if name in MONEY_FIELDS:
        return money(value)
    if name == "vat_rate":
        return rate(value)
    return str(value)


def describe(action: str, data: dict) -> str:
    """One sentence per catalogue event."""
    if action == "catalog.product.created":
        return _("Produit créé")
    if action == "catalog.product.updated":
        parts = [
            _("%(field)s : « %(before)s » → « %(after)s »")
            % {
                "field": FIELD_LABELS.get(name, name),
                "before": _shown(before, name),
                "after": _shown(after, name),
            }
            for name, (before, after) in (data.get("values") or {}).items()
        ]
        if data.get("image") == "replaced":
            parts.append(_("image remplacée"))
        elif data.get("image") == "removed":
            parts.append(_("image retirée"))
        return _("Produit modifié : %(changes)s") % {"changes": " ; ".join(parts)}
    if action == "catalog.product.archived":
        return _("Produit archivé")
    if action == "catalog.product.restored":
        return _("Produit remis en vente")
    if action == "catalog.group_price.set":
        price = money(data["after"]) if data.get("after") else _("prix public")
        return _("Boutique privée « %(group)s » : %(price)s") % {
            "group": data.get("group", ""),
            "price": price,
        }
    if action == "catalog.group_price.removed":
        return _("Retiré de la boutique privée « %(group)s »") % {
            "group": data.get("group", "")
        }
    if action == "catalog.slots.updated":
        after = data.get("after") or {}
        return _(
            "Créneaux : %(opens)s–%(closes)s, %(minutes)s min, %(capacity)s places"
        ) % {
            "opens": after.get("opens_at", ""),
            "closes": after.get("closes_at", ""),
            "minutes": after.get("slot_minutes", ""),
            "capacity": after.get("capacity", ""),
        }
    if action == "catalog.closed_day.added":
        return _("Jour de fermeture ajouté : %(day)s") % {"day": _day(data)}
    if action == "catalog.closed_day.removed":
        return _("Jour de fermeture retiré : %(day)s") % {"day": _day(data)}
    return action


def _day(data: dict) -> str:
    try:
        return dt.date.fromisoformat(data.get("day", "")).strftime("%d/%m/%Y")
    except ValueError:
        return ""


def product_history(product: Product) -> list[Entry]:
    return [
        Entry(
            event.at,
            (event.actor.get_full_name() or event.actor.email)
            if event.actor
            else _("Automatique"),
            describe(event.action, event.data),
        )
        for event in history(product)
    ]


class CatalogMixin(ManagerRequiredMixin):
    section = "catalog"

    def get_product(self) -> Product:
        return get_object_or_404(
            products_of(self.organization.pk), pk=self.kwargs["pk"]
        )


class ProductListView(CatalogMixin, TemplateView):
    template_name = "backoffice/catalog/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        show = self.request.GET.get("etat", "actifs")
        products = products_of(self.organization.pk).prefetch_related(
            "group_prices__group"
        )
        if show == "archives":
            products = products.filter(active=False)
        elif show != "tous":
            show = "actifs"
            products = products.filter(active=True)
        context.update(
            products=products.order_by("park__name", "position", "kind", "name"),
            show=show,
        )
        return context


class ProductCreateView(CatalogMixin, TemplateView):
    template_name = "backoffice/catalog/create.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form",
            ProductForm(
                organization=self.organization,
                initial={"public": True, "sold_at_counter": True, "position": 0},
            ),
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProductForm(request.POST, request.FILES, organization=self.organization)
        if form.is_valid():
            try:
                product = create_product(
                    organization=self.organization,
                    park=form.cleaned_data["park"],
                    data=form.product_data(),
                    image=form.cleaned_data["image"],
                    actor=request.user,
                )
            except CatalogError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Produit créé."))
                return redirect("backoffice:product", pk=product.pk)
        messages.error(
            request, _("Le produit n'est pas créé : corrigez les champs signalés.")
        )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProductDetailView(CatalogMixin, TemplateView):
    template_name = "backoffice/catalog/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        product = kwargs.get("product") or self.get_product()
        schedule = schedule_of(product)
        open_groups = {gp.group_id for gp in group_prices_of(product)}
        context.update(
            product=product,
            form=kwargs.get("form")
            or ProductForm(organization=self.organization, product=product),
            image=image_preview(product),
            group_prices=group_prices_of(product),
            group_form=kwargs.get("group_form")
            or GroupPriceForm(organization=self.organization),
            has_groups=groups_of(self.organization.pk)
            .exclude(pk__in=open_groups)
            .exists(),
            is_booking=product.kind == ProductKind.BOOKING,
            schedule=schedule,
            schedule_form=kwargs.get("schedule_form")
            or SlotScheduleForm(initial=_schedule_initial(schedule)),
            weekday_labels=dict(weekday_choices()),
            closed_days=product.closed_days.all(),
            closed_form=kwargs.get("closed_form") or ClosedDayForm(),
            history=product_history(product),
            was_sold=was_sold(product.pk),
        )
        if schedule is not None:
            day = _shown_day(self.request, product)
            context.update(
                availability_day=day,
                availability=day_availability(product=product, day=day),
            )
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        product = self.get_product()
        form = ProductForm(
            request.POST,
            request.FILES,
            organization=self.organization,
            product=product,
        )
        if form.is_valid():
            try:
                update_product(
                    product=product,
                    data=form.product_data(),
                    image=form.cleaned_data["image"],
                    remove_image=form.cleaned_data.get("remove_image", False),
                    actor=request.user,
                )
            except CatalogError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Produit enregistré. Les ventes déjà faites gardent leur "
                        "prix et leur taux de TVA."
                    ),
                )
                return redirect("backoffice:product", pk=product.pk)
        messages.error(
            request,
            _("Le produit n'est pas enregistré : corrigez les champs signalés."),
        )
        return self.render_to_response(
            self.get_context_data(product=self.get_product(), form=form), status=400
        )


def _schedule_initial(schedule: SlotSchedule | None) -> dict:
    if schedule is None:
        return {
            "weekdays": list("0123456"),
            "opens_at": dt.time(10),
            "closes_at": dt.time(19),
            "slot_minutes": 60,
            "capacity": 10,
        }
    return {
        "weekdays": list(schedule.weekdays),
        "opens_at": schedule.opens_at,
        "closes_at": schedule.closes_at,
        "slot_minutes": schedule.slot_minutes,
        "capacity": schedule.capacity,
    }


def _shown_day(request: HttpRequest, product: Product) -> dt.date:
    today = business_date(timezone.now(), product.park.time_zone)
    try:
        return dt.date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        return today


class ProductArchiveView(CatalogMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        product = self.get_product()
        active = request.POST.get("active") == "1"
        set_product_active(product=product, active=active, actor=request.user)
        if active:
            messages.success(request, _("Produit remis en vente."))
        else:
            messages.success(
                request,
                _("Produit archivé : il n'est plus proposé, ses ventes restent."),
            )
        return redirect("backoffice:product", pk=product.pk)


class ProductDeleteView(CatalogMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        product = self.get_product()
        try:
            delete_product(product=product, actor=request.user)
        except ProductSold as exc:
            messages.error(request, exc.message)
            return redirect("backoffice:product", pk=product.pk)
        messages.success(request, _("Produit supprimé."))
        return redirect("backoffice:products")


class GroupPriceView(ProductDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        product = self.get_product()
        form = GroupPriceForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                set_group_price(
                    product=product,
                    group=form.cleaned_data["group"],
                    price_incl=form.cleaned_data["price_incl"],
                    actor=request.user,
                )
            except CatalogError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Boutique privée « %(group)s » enregistrée.")
                    % {"group": form.cleaned_data["group"].name},
                )
            return redirect("backoffice:product", pk=product.pk)
        messages.error(request, _("Le prix de groupe n'est pas enregistré."))
        return self.render_to_response(
            self.get_context_data(product=product, group_form=form), status=400
        )


class GroupPriceRemoveView(CatalogMixin, View):
    def post(self, request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
        product = self.get_product()
        group = get_object_or_404(groups_of(self.organization.pk), pk=group_pk)
        remove_group_price(product=product, group=group, actor=request.user)
        messages.success(
            request,
            _("Produit retiré de la boutique privée « %(group)s ».")
            % {"group": group.name},
        )
        return redirect("backoffice:product", pk=product.pk)


class SlotScheduleView(ProductDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        product = self.get_product()
        if product.kind != ProductKind.BOOKING:
            raise Http404
        form = SlotScheduleForm(request.POST)
        if form.is_valid():
            try:
                save_slot_schedule(
                    product=product, data=form.schedule_data(), actor=request.user
                )
            except CatalogError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Créneaux enregistrés."))
                return redirect("backoffice:product", pk=product.pk)
        messages.error(
            request, _("Les créneaux ne sont pas enregistrés : corrigez les champs.")
        )
        return self.render_to_response(
            self.get_context_data(product=product, schedule_form=form), status=400
        )


class ClosedDayView(ProductDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        product = self.get_product()
        if product.kind != ProductKind.BOOKING:
            raise Http404
        if "supprimer" in request.POST:
            try:
                day = dt.date.fromisoformat(request.POST["supprimer"])
            except ValueError:
                raise Http404 from None
            remove_closed_day(product=product, day=day, actor=request.user)
            messages.success(request, _("Jour de fermeture retiré."))
            return redirect("backoffice:product", pk=product.pk)
        form = ClosedDayForm(request.POST)
        if form.is_valid():
            day = form.cleaned_data["day"]
            # The slots of that day, read before it is closed.
            starts = day_starts(product, day)
            add_closed_day(
                product=product,
                day=day,
                reason=form.cleaned_data["reason"].strip(),
                actor=request.user,
            )
            messages.success(request, _("Jour de fermeture ajouté."))
            sold = bookings_on(product.pk, starts).count()
            if sold:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)d réservation déjà vendue ce jour-là reste "
                        "valable : prévenez le client ou remboursez-la.",
                        "%(count)d réservations déjà vendues ce jour-là restent "
                        "valables : prévenez les clients ou remboursez-les.",
                        sold,
                    )
                    % {"count": sold},
                )
            return redirect("backoffice:product", pk=product.pk)
        messages.error(request, _("Indiquez le jour de fermeture."))
        return self.render_to_response(
            self.get_context_data(product=product, closed_form=form), status=400
        )
