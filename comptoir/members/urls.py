from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("factures/", views.InvoicesView.as_view(), name="invoices"),
    path(
        "factures/<uuid:public_id>/telecharger/",
        views.InvoiceDownloadView.as_view(),
        name="invoice_download",
    ),
    path(
        "factures/demander/<uuid:sale_id>/",
        views.RequestInvoiceView.as_view(),
        name="request_invoice",
    ),
    path("profil/", views.ProfileView.as_view(), name="profile"),
    path("reservations/", views.BookingsView.as_view(), name="bookings"),
    path("billets/", views.TicketsView.as_view(), name="tickets"),
    path(
        "billets/<uuid:public_id>/telecharger/",
        views.TicketDownloadView.as_view(),
        name="ticket_download",
    ),
    path("bons-cadeaux/", views.VouchersView.as_view(), name="vouchers"),
    path(
        "mot-de-passe/oublie/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "bienvenue/<uidb64>/<token>/",
        views.PasswordSetView.as_view(),
        name="password_set",
    ),
]
