from django.urls import path

from .views import auth, dashboard, entitlements, invoices, password, profile

app_name = "members"
urlpatterns = [
    path("", dashboard.HomeView.as_view(), name="home"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    path("factures/", invoices.InvoicesView.as_view(), name="invoices"),
    path(
        "factures/<uuid:public_id>/telecharger/",
        invoices.InvoiceDownloadView.as_view(),
        name="invoice_download",
    ),
    path(
        "factures/demander/<uuid:sale_id>/",
        invoices.RequestInvoiceView.as_view(),
        name="request_invoice",
    ),
    path("profil/", profile.ProfileView.as_view(), name="profile"),
    path("reservations/", entitlements.BookingsView.as_view(), name="bookings"),
    path("billets/", entitlements.TicketsView.as_view(), name="tickets"),
    path(
        "billets/<uuid:public_id>/telecharger/",
        entitlements.TicketDownloadView.as_view(),
        name="ticket_download",
    ),
    path("bons-cadeaux/", entitlements.VouchersView.as_view(), name="vouchers"),
    path(
        "mot-de-passe/oublie/",
        password.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/envoye/",
        password.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        password.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        password.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "bienvenue/<uidb64>/<token>/",
        password.PasswordSetView.as_view(),
        name="password_set",
    ),
]
