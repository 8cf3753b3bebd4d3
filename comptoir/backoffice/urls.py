from django.urls import path

from .views import (
    accounting,
    alerts,
    auth,
    catalog,
    clients,
    corrections,
    counter,
    dashboard,
    einvoicing,
    groups,
    invoices,
    parks,
    payments,
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
    path(
        "alertes/<int:pk>/traitee/", alerts.AlertCloseView.as_view(), name="alert_close"
    ),
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
    path("catalogue/", catalog.ProductListView.as_view(), name="products"),
    path(
        "catalogue/nouveau/",
        catalog.ProductCreateView.as_view(),
        name="product_create",
    ),
    path("catalogue/<int:pk>/", catalog.ProductDetailView.as_view(), name="product"),
    path(
        "catalogue/<int:pk>/archiver/",
        catalog.ProductArchiveView.as_view(),
        name="product_archive",
    ),
    path(
        "catalogue/<int:pk>/supprimer/",
        catalog.ProductDeleteView.as_view(),
        name="product_delete",
    ),
    path(
        "catalogue/<int:pk>/prix-de-groupe/",
        catalog.GroupPriceView.as_view(),
        name="product_group_price",
    ),
    path(
        "catalogue/<int:pk>/prix-de-groupe/<int:group_pk>/retirer/",
        catalog.GroupPriceRemoveView.as_view(),
        name="product_group_price_remove",
    ),
    path(
        "catalogue/<int:pk>/creneaux/",
        catalog.SlotScheduleView.as_view(),
        name="product_schedule",
    ),
    path(
        "catalogue/<int:pk>/fermetures/",
        catalog.ClosedDayView.as_view(),
        name="product_closed_day",
    ),
    path(
        "paiement-en-ligne/",
        payments.PaymentSettingsView.as_view(),
        name="payment_settings",
    ),
    path(
        "facturation-electronique/",
        einvoicing.EInvoicingSettingsView.as_view(),
        name="einvoicing",
    ),
    path(
        "facturation-electronique/e-reporting/",
        einvoicing.EReportListView.as_view(),
        name="ereports",
    ),
    path(
        "clients/<int:pk>/annuaire/",
        einvoicing.ClientDirectoryView.as_view(),
        name="client_directory",
    ),
    path(
        "factures/<uuid:public_id>/corriger/",
        corrections.InvoiceCorrectView.as_view(),
        name="invoice_correct",
    ),
    path(
        "comptabilite/plan/",
        accounting.AccountPlanView.as_view(),
        name="accounting_plan",
    ),
    path(
        "comptabilite/exports/",
        accounting.JournalExportView.as_view(),
        name="accounting_exports",
    ),
    path(
        "comptabilite/exports/<uuid:public_id>/",
        accounting.JournalExportDownloadView.as_view(),
        name="accounting_export_download",
    ),
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
