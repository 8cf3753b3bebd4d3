from django.urls import path

from . import images
from .views import cart, catalog, checkout, payment, provider

app_name = "shop"
urlpatterns = [
    path("", catalog.ShopHomeView.as_view(), name="home"),
    path("panier/", cart.CartView.as_view(), name="cart"),
    path("panier/ajouter/", cart.CartAddView.as_view(), name="cart_add"),
    path("panier/modifier/", cart.CartUpdateView.as_view(), name="cart_update"),
    path("panier/retirer/", cart.CartRemoveView.as_view(), name="cart_remove"),
    path("panier/creneau/", cart.CartSlotView.as_view(), name="cart_slot"),
    path("commande/", checkout.CheckoutView.as_view(), name="checkout"),
    path(
        "commande/<uuid:sale_id>/",
        payment.ConfirmationView.as_view(),
        name="confirmation",
    ),
    path(
        "commande/<uuid:sale_id>/abandon/",
        payment.PaymentCancelView.as_view(),
        name="payment_cancel",
    ),
    path(
        "paiement-simule/<str:token>/",
        provider.SimulatorView.as_view(),
        name="simulator",
    ),
    path(
        "paiement/notification/<slug:provider>/",
        provider.NotificationView.as_view(),
        name="payment_notification",
    ),
    path(
        "produits/<int:pk>/image/",
        images.ProductImageView.as_view(),
        name="product_image",
    ),
]
