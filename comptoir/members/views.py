"""The member space: login, invoices, profile, bookings, tickets, vouchers."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import (
    content_disposition_header,
    url_has_allowed_host_and_scheme,
    urlencode,
)
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from comptoir.core import throttle
from comptoir.core.client_ip import client_ip
from comptoir.core.clock import DEFAULT_TIME_ZONE, business_date
from comptoir.core.mail import mail_configured
from comptoir.customers.forms import COMPANY_FIELDS, CONTACT_FIELDS
from comptoir.customers.selectors import (
    field_labels,
    missing_invoice_fields,
    required_invoice_fields,
)
from comptoir.customers.services import remember_language, save_client_record
from comptoir.invoicing.exceptions import AlreadyInvoiced, NotInvoiceable
from comptoir.invoicing.selectors import (
    invoice_request_states,
    invoices_in_progress,
    invoices_of_client,
    split_sale_numbers,
)
from comptoir.invoicing.services.documents import pdf_bytes
from comptoir.invoicing.services.requests import request_invoice
from comptoir.organizations.models import UserKind
from comptoir.sales.selectors import (
    bookings_of,
    sales_of,
    tickets_of,
    usable_tickets_of,
    vouchers_of,
    vouchers_with_state,
)
from comptoir.sales.vouchers import usable_vouchers_q
from comptoir.shop.mixins import ShopMixin

from .forms import MemberLoginForm, MemberPasswordResetForm, MemberProfileForm
from .tickets import ticket_pdf

INVOICES_PER_PAGE = 20
SCOPED_BACKEND = "comptoir.organizations.backends.ScopedEmailBackend"
DEFAULT_TZ = DEFAULT_TIME_ZONE


class MemberMixin(ShopMixin):
    """A page of this organization's member space.

    Anyone who is not a member of this organization (anonymous, staff, a
    member of another organization) is sent to this organization's login;
    `Http404` renders the member space's own "not found" page.
    """

    menu = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["menu"] = self.menu
        return context

    def dispatch(self, request, *args, **kwargs):
        try:
            if self.client is None:
                return self.redirect_to_login()
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return self.not_found()

    def today(self):
        """Today's date at the park."""
        return business_date(
            timezone.now(), self.park.time_zone if self.park else DEFAULT_TZ
        )

    def redirect_to_login(self):
        url = reverse("members:login", kwargs={"org_slug": self.organization.slug})
        return redirect(f"{url}?{urlencode({'next': self.request.path})}")

    def not_found(self):
        context = {
            "organization": self.organization,
            "park": self.park,
            "client": self.client,
            "cart_count": self.cart.count(),
            "invoices_eligible": self.is_eligible,
            "next": self.request.path,
        }
        return render(self.request, "members/not_found.html", context, status=404)


class EligibleMemberMixin(MemberMixin):
    """ "Vos factures": only for members eligible for online invoices.

    Anyone who is not a member here (logged out, staff, another
    organization's member: a link in a mail) is sent to the login page and
    back here; a member without an eligible group gets a 404, whatever it
    asks for.
    """

    def dispatch(self, request, *args, **kwargs):
        if self.client is None:
            return self.redirect_to_login()
        if not self.is_eligible:
            return self.not_found()
        return super().dispatch(request, *args, **kwargs)


class LoginView(ShopMixin, FormView):
    template_name = "members/login.html"
    form_class = MemberLoginForm

    def dispatch(self, request, *args, **kwargs):
        if self.client is not None:
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(request=self.request, organization=self.organization)
        return kwargs

    def get_success_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next")
        prefix = f"/{self.organization.slug}/"
        if (
            target
            and target.startswith(prefix)
            and url_has_allowed_host_and_scheme(
                target,
                allowed_hosts={self.request.get_host()},
                require_https=self.request.is_secure(),
            )
        ):
            return target
        return reverse("members:home", kwargs={"org_slug": self.organization.slug})

    def form_valid(self, form):
        auth_login(self.request, form.user)
        client = getattr(form.user, "client", None)
        if client is not None:
            remember_language(client=client, language=get_language())
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        if form.locked_out:
            # The page says it in French; django-axes' middleware would
            # otherwise replace it with its own English text.
            self.request.axes_locked_out = False
            return self.render_to_response(
                self.get_context_data(form=form, locked_out=True), status=429
            )
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.POST.get("next") or self.request.GET.get(
            "next", ""
        )
        return context


class LogoutView(ShopMixin, View):
    def post(self, request, org_slug):
        auth_logout(request)
        messages.success(request, _("Vous êtes déconnecté. À bientôt !"))
        return redirect("shop:home", org_slug=org_slug)


class HomeView(MemberMixin, TemplateView):
    template_name = "members/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        today = self.today()
        client = self.client
        context.update(
            groups=list(client.groups.all()),
            upcoming_bookings=list(bookings_of(client).filter(starts_at__gte=now)[:3]),
            tickets_count=usable_tickets_of(client, today).count(),
            vouchers_count=vouchers_of(client)
            .filter(usable_vouchers_q(on=today))
            .count(),
            latest_invoices=(
                list(invoices_of_client(client).defer("snapshot")[:3])
                if self.is_eligible
                else []
            ),
            missing_labels=(
                field_labels(missing_invoice_fields(client, self.park))
                if self.is_eligible
                else []
            ),
            in_progress=invoices_in_progress(client) if self.is_eligible else [],
            # Without online invoices: the latest purchases, to ask for one.
            purchases=[] if self.is_eligible else invoice_request_states(client),
        )
        return context


class InvoicesView(EligibleMemberMixin, TemplateView):
    """The product note's list: every invoice and credit note of the client,
    newest sale number first."""

    menu = "invoices"
    template_name = "members/invoices.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The rows show columns of the document; its snapshot (the whole
        # document as JSON, 2-3 kB) is only read to render the PDF.
        paginator = Paginator(
            invoices_of_client(self.client).defer("snapshot"), INVOICES_PER_PAGE
        )
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            page=page,
            invoices=page.object_list,
            in_progress=[
                (item, field_labels(item.missing))
                for item in invoices_in_progress(self.client)
            ],
            split_sales=split_sale_numbers(page.object_list),
        )
        return context


class RequestInvoiceView(MemberMixin, View):
    """ "Demander une facture" for one of the member's paid sales: an alert
    for the operator, once per sale."""

    def post(self, request, org_slug, sale_id):
        sale = get_object_or_404(
            sales_of(self.organization.pk).filter(client=self.client),
            public_id=sale_id,
        )
        try:
            _alert, created = request_invoice(sale=sale, requested_by=request.user)
        except AlreadyInvoiced:
            messages.info(request, _("Cette vente a déjà une facture."))
        except NotInvoiceable:
            messages.error(request, _("Seule une vente payée peut être facturée."))
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "Votre demande de facture pour la vente %(number)s est "
                        "envoyée au parc : vous la recevrez par email."
                    )
                    % {"number": sale.number},
                )
            else:
                messages.info(
                    request,
                    _("Vous avez déjà demandé la facture de la vente %(number)s.")
                    % {"number": sale.number},
                )
        target = request.POST.get("next", "")
        if not target.startswith(f"/{self.organization.slug}/"):
            target = reverse("members:home", kwargs={"org_slug": org_slug})
        return redirect(target)


class InvoiceDownloadView(EligibleMemberMixin, View):
    def get(self, request, org_slug, public_id):
        invoice = get_object_or_404(
            invoices_of_client(self.client), public_id=public_id
        )
        response = HttpResponse(pdf_bytes(invoice), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=invoice.filename
        )
        response["Cache-Control"] = "private, no-store"
        return response


class ProfileView(MemberMixin, FormView):
    menu = "profile"
    template_name = "members/profile.html"
    form_class = MemberProfileForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.client
        return kwargs

    def form_valid(self, form):
        save_client_record(
            form=form, actor=self.request.user, organization=self.organization
        )
        messages.success(self.request, _("Votre profil a été enregistré."))
        return redirect("members:profile", org_slug=self.organization.slug)

    def form_invalid(self, form):
        messages.error(
            self.request,
            _("Votre profil n'a pas été enregistré : corrigez les erreurs."),
        )
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            contact_fields=[form[name] for name in CONTACT_FIELDS],
            company_fields=[form[name] for name in COMPANY_FIELDS],
            missing_labels=field_labels(missing_invoice_fields(self.client, self.park)),
            required_fields=list(required_invoice_fields(self.park)),
            groups=list(self.client.groups.all()),
        )
        return context


class BookingsView(MemberMixin, TemplateView):
    menu = "bookings"
    template_name = "members/bookings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        bookings = bookings_of(self.client)
        context.update(
            upcoming=list(bookings.filter(ends_at__gte=now)),
            past=list(bookings.filter(ends_at__lt=now).reverse()[:20]),
        )
        return context


class TicketsView(MemberMixin, TemplateView):
    menu = "tickets"
    template_name = "members/tickets.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(tickets=list(tickets_of(self.client)), today=self.today())
        return context


class TicketDownloadView(MemberMixin, View):
    def get(self, request, org_slug, public_id):
        ticket = get_object_or_404(tickets_of(self.client), public_id=public_id)
        response = HttpResponse(ticket_pdf(ticket), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"billet-{ticket.code}.pdf"
        )
        response["Cache-Control"] = "private, no-store"
        return response


class VouchersView(MemberMixin, TemplateView):
    menu = "vouchers"
    template_name = "members/vouchers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = self.today()
        context.update(vouchers=vouchers_with_state(self.client, today), today=today)
        return context


# Password reset and first-login invitation, on Django's own views.


class PasswordResetView(ShopMixin, auth_views.PasswordResetView):
    template_name = "members/password_reset.html"
    form_class = MemberPasswordResetForm
    email_template_name = "members/mail/password_reset.txt"
    subject_template_name = "members/mail/password_reset_subject.txt"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organization"] = self.organization
        return kwargs

    def form_valid(self, form):
        if not mail_configured():
            form.add_error(
                None,
                _(
                    "L'envoi d'emails n'est pas encore configuré sur ce site : "
                    "contactez le parc pour réinitialiser votre mot de passe."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=503)
        email = form.cleaned_data["email"]
        if not reset_allowed(self.request, self.organization, email):
            form.add_error(
                None,
                _(
                    "Trop de demandes de réinitialisation : par sécurité, "
                    "réessayez dans une heure. Pensez à vérifier vos courriers "
                    "indésirables."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        self.extra_email_context = {
            "organization": self.organization,
            "park": self.park,
        }
        return super().form_valid(form)

    def get_success_url(self) -> str:
        return reverse(
            "members:password_reset_done", kwargs={"org_slug": self.organization.slug}
        )


# Password-reset requests, per account (whether it exists or not, so the
# answer reveals nothing) and per client address, over a sliding hour.
RESET_WINDOW = dt.timedelta(hours=1)
RESETS_PER_ACCOUNT = 3
RESETS_PER_ADDRESS = 10


def reset_allowed(request, organization, email: str) -> bool:
    """Count a reset request; False once the account or the address is over."""
    account = unicodedata.normalize("NFKC", email).casefold().strip()
    return throttle.allow(
        scope="password_reset.address",
        key=client_ip(request) or "",
        limit=RESETS_PER_ADDRESS,
        window=RESET_WINDOW,
        organization=organization,
    ) and throttle.allow(
        scope="password_reset.account",
        key=f"{organization.pk}:{account}",
        limit=RESETS_PER_ACCOUNT,
        window=RESET_WINDOW,
        organization=organization,
    )


class PasswordResetDoneView(ShopMixin, auth_views.PasswordResetDoneView):
    template_name = "members/password_reset_done.html"


class PasswordResetConfirmView(ShopMixin, auth_views.PasswordResetConfirmView):
    """A reset link works only at its own organization's address."""

    template_name = "members/password_reset_confirm.html"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if (
            user is None
            or user.kind != UserKind.MEMBER
            or user.organization_id != self.organization.pk
        ):
            return None
        return user

    def get_success_url(self) -> str:
        return reverse(
            "members:password_reset_complete",
            kwargs={"org_slug": self.organization.slug},
        )


class PasswordResetCompleteView(ShopMixin, auth_views.PasswordResetCompleteView):
    template_name = "members/password_reset_complete.html"


class PasswordSetView(PasswordResetConfirmView):
    """The invitation's "choose your password" link: logs the member in."""

    template_name = "members/password_set.html"
    post_reset_login = True
    post_reset_login_backend = SCOPED_BACKEND

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, _("Votre mot de passe est enregistré. Bienvenue !")
        )
        return response

    def get_success_url(self) -> str:
        return reverse("members:home", kwargs={"org_slug": self.organization.slug})
