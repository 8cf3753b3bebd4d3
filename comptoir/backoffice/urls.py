from django.urls import path

from .views import (
    alerts,
    auth,
    clients,
    counter,
    dashboard,
    groups,
    invoices,
    parks,
    receipts,
    sales,
)

app_name = "backoffice"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    path("caisse/", counter.CounterView.as_view(), name="counter"),
    path("ventes/", sales.SaleListView.as_view(), name="sales"),
    path("ventes/<uuid:public_id>/", sales.SaleDetailView.as_view(), name="sale"),
    path(
        "ventes/<uuid:public_id>/facturer/",
        sales.SaleIssueInvoiceView.as_view(),
        name="sale_issue_invoice",
    ),
    path(
        "ventes/<uuid:public_id>/rembourser/",
        sales.SaleRefundView.as_view(),
        name="sale_refund",
    ),
    path("clients/", clients.ClientListView.as_view(), name="clients"),
    path("clients/nouveau/", clients.ClientCreateView.as_view(), name="client_create"),
    path("clients/<int:pk>/", clients.ClientDetailView.as_view(), name="client"),
    path(
        "clients/<int:pk>/inviter/",
        clients.ClientInviteView.as_view(),
        name="client_invite",
    ),
    path("groupes/", groups.GroupListView.as_view(), name="groups"),
    path("groupes/nouveau/", groups.GroupCreateView.as_view(), name="group_create"),
    path("groupes/<int:pk>/", groups.GroupDetailView.as_view(), name="group"),
    path(
        "groupes/<int:pk>/ajouter/",
        groups.GroupAddMemberView.as_view(),
        name="group_add_member",
    ),
    path(
        "groupes/<int:pk>/retirer/<int:client_pk>/",
        groups.GroupRemoveMemberView.as_view(),
        name="group_remove_member",
    ),
    path("alertes/", alerts.AlertListView.as_view(), name="alerts"),
    path("factures/", invoices.DocumentListView.as_view(), name="invoices"),
    path(
        "factures/<uuid:public_id>/pdf/",
        sales.DocumentDownloadView.as_view(),
        name="document_pdf",
    ),
    path("factures/zip/", invoices.DocumentZipView.as_view(), name="invoices_zip"),
    path(
        "factures/export.csv",
        invoices.DocumentCsvExportView.as_view(),
        name="invoices_csv",
    ),
    path(
        "factures/export.xlsx",
        invoices.DocumentXlsxExportView.as_view(),
        name="invoices_xlsx",
    ),
    path(
        "factures/manquantes/",
        invoices.MissingInvoicesView.as_view(),
        name="missing_invoices",
    ),
    path("parcs/", parks.ParkListView.as_view(), name="parks"),
    path("parcs/<int:pk>/", parks.ParkDetailView.as_view(), name="park"),
    path(
        "ventes/<uuid:public_id>/ticket/",
        receipts.SaleReceiptView.as_view(),
        name="sale_receipt",
    ),
    path(
        "factures/<uuid:public_id>/renvoyer/",
        receipts.DocumentResendView.as_view(),
        name="document_resend",
    ),
]
