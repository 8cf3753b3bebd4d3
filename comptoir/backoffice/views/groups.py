"""Customer groups: settings, the online-invoice switch, their members."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.customers.selectors import (
    clients_of,
    groups_of,
    missing_record_fields,
)
from comptoir.customers.services import (
    add_to_group,
    remove_from_group,
    save_group_settings,
)

from ..forms.groups import GroupForm
from ..history import entries
from ..mixins import ManagerRequiredMixin
from ..queries import (
    clients_to_add,
    group_members,
    incomplete_counts_by_group,
    incomplete_member_count,
)
from .counter import is_id

MEMBERS_PER_PAGE = 50


def incomplete_clients_url(group) -> str:
    query = urlencode({"group": group.pk, "incomplete": "on"})
    return f"{reverse('backoffice:clients')}?{query}"


class GroupListView(ManagerRequiredMixin, TemplateView):
    template_name = "backoffice/groups/list.html"
    section = "groups"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = list(
            groups_of(self.organization.pk).annotate(
                member_count=Count("clients", distinct=True)
            )
        )
        counts = incomplete_counts_by_group(self.organization.pk)
        for group in groups:
            group.incomplete_count = counts.get(group.pk, 0)
        context["groups"] = groups
        return context


class GroupCreateView(ManagerRequiredMixin, TemplateView):
    template_name = "backoffice/groups/create.html"
    section = "groups"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", GroupForm(organization=self.organization))
        return context

    def post(self, request):
        form = GroupForm(request.POST, organization=self.organization)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        group = save_group_settings(
            group=form.instance,
            name=form.cleaned_data["name"],
            private_shop=form.cleaned_data["private_shop"],
            online_invoices=form.cleaned_data["online_invoices"],
            actor=request.user,
        )
        messages.success(request, _("Groupe « %(name)s » créé.") % {"name": group.name})
        return redirect("backoffice:group", pk=group.pk)


class GroupDetailView(ManagerRequiredMixin, TemplateView):
    """Settings on top, then the members table of the product note."""

    template_name = "backoffice/groups/detail.html"
    section = "groups"

    def get_group(self):
        return get_object_or_404(groups_of(self.organization.pk), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = kwargs.get("group") or self.get_group()
        members = group_members(group)
        page = Paginator(members, MEMBERS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        rows = [(client, missing_record_fields(client)) for client in page]
        search = self.request.GET.get("q", "").strip()
        context.update(
            group=group,
            form=kwargs.get("form")
            or GroupForm(instance=group, organization=self.organization),
            page=page,
            rows=rows,
            member_count=members.count(),
            incomplete_count=incomplete_member_count(group),
            incomplete_url=incomplete_clients_url(group),
            search=search,
            candidates=clients_to_add(group, search)[:20] if search else None,
            history=entries(group),
        )
        return context

    def post(self, request, pk):
        group = self.get_group()
        was_on = group.online_invoices
        form = GroupForm(request.POST, instance=group, organization=self.organization)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(group=group, form=form)
            )
        group = save_group_settings(
            group=form.instance,
            name=form.cleaned_data["name"],
            private_shop=form.cleaned_data["private_shop"],
            online_invoices=form.cleaned_data["online_invoices"],
            actor=request.user,
        )
        if group.online_invoices and not was_on:
            messages.success(
                request,
                _(
                    "Factures disponibles en ligne activées : les prochains achats "
                    "en ligne des membres seront facturés automatiquement."
                ),
            )
        else:
            messages.success(request, _("Réglages du groupe enregistrés."))
        return redirect("backoffice:group", pk=group.pk)


class GroupAddMemberView(ManagerRequiredMixin, View):
    def post(self, request, pk):
        group = get_object_or_404(groups_of(self.organization.pk), pk=pk)
        chosen = request.POST.get("client", "")
        if not is_id(chosen):
            raise Http404
        client = get_object_or_404(clients_of(self.organization.pk), pk=chosen)
        add_to_group(group=group, client=client, actor=request.user)
        messages.success(
            request,
            _("%(client)s ajouté au groupe.") % {"client": client.display_name},
        )
        url = reverse("backoffice:group", kwargs={"pk": group.pk})
        search = request.POST.get("q", "").strip()
        return redirect(f"{url}?{urlencode({'q': search})}#ajouter" if search else url)


class GroupRemoveMemberView(ManagerRequiredMixin, View):
    def post(self, request, pk, client_pk):
        group = get_object_or_404(groups_of(self.organization.pk), pk=pk)
        client = get_object_or_404(
            clients_of(self.organization.pk).filter(Q(groups=group)), pk=client_pk
        )
        remove_from_group(group=group, client=client, actor=request.user)
        messages.success(
            request,
            _("%(client)s retiré du groupe.") % {"client": client.display_name},
        )
        return redirect("backoffice:group", pk=group.pk)
