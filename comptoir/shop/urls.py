from django.urls import path

from . import images, views

app_name = "shop"
urlpatterns = [
    path("", views.ShopHomeView.as_view(), name="home"),
    path("panier/", views.CartView.as_view(), name="cart"),
    path("panier/ajouter/", views.CartAddView.as_view(), name="cart_add"),
    path("panier/modifier/", views.CartUpdateView.as_view(), name="cart_update"),
    path("panier/retirer/", views.CartRemoveView.as_view(), name="cart_remove"),
    path("panier/creneau/", views.CartSlotView.as_view(), name="cart_slot"),
    path("commande/", views.CheckoutView.as_view(), name="checkout"),
    path(
        "commande/<uuid:sale_id>/",
        views.ConfirmationView.as_view(),
        name="confirmation",
    ),
    path(
        "commande/<uuid:sale_id>/abandon/",
        views.PaymentCancelView.as_view(),
        name="payment_cancel",
    ),
    path(
        "paiement-simule/<str:token>/",
        views.SimulatorView.as_view(),
        name="simulator",
    ),
    path(
        "paiement/notification/<slug:provider>/",
        views.NotificationView.as_view(),
        name="payment_notification",
    ),
    path(
        "produits/<int:pk>/image/",
        images.ProductImageView.as_view(),
        name="product_image",
    ),
]
