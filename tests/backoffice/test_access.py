"""Staff log in apart from members; managers and cashiers see different pages."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = reverse("backoffice:login")


def test_a_staff_member_logs_in_with_email_and_password(manager):
    http = HttpClient()
    response = http.post(
        LOGIN, {"email": manager.email.upper(), "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:dashboard")
    assert http.get(reverse("backoffice:dashboard")).status_code == 200


def test_login_goes_back_to_the_page_asked_for(manager):
    http = HttpClient()
    target = reverse("backoffice:clients")
    response = http.post(
        f"{LOGIN}?next={target}",
        {"email": manager.email, "password": factories.PASSWORD, "next": target},
    )
    assert response["Location"] == target


def test_login_never_redirects_outside_the_back_office(manager):
    response = HttpClient().post(
        LOGIN,
        {
            "email": manager.email,
            "password": factories.PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("backoffice:dashboard")


def test_a_wrong_password_is_refused_in_french(manager):
    response = HttpClient().post(LOGIN, {"email": manager.email, "password": "nope"})
    assert response.status_code == 200
    assert "Email ou mot de passe incorrect." in response.content.decode()


def test_a_member_cannot_log_in_to_the_back_office(member):
    response = HttpClient().post(
        LOGIN, {"email": member.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert "Email ou mot de passe incorrect." in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(manager):
    http = HttpClient()
    for _ in range(5):
        http.post(LOGIN, {"email": manager.email, "password": "wrong"})
    response = http.post(
        LOGIN, {"email": manager.email, "password": factories.PASSWORD}
    )
    assert response.status_code != 302
    assert "_auth_user_id" not in http.session


def test_anonymous_visitors_are_sent_to_the_staff_login(db):
    response = HttpClient().get(reverse("backoffice:clients"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_signed_in_member_is_refused_the_back_office(member):
    http = HttpClient()
    http.force_login(member.user)
    response = http.get(reverse("backoffice:dashboard"))
    assert response.status_code == 403
    assert "réservé au personnel" in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(as_manager):
    response = as_manager.post(reverse("backoffice:logout"))
    assert response.status_code == 302
    assert as_manager.get(reverse("backoffice:dashboard")).status_code == 302


MANAGER_ONLY = [
    ("backoffice:groups", {}),
    ("backoffice:group_create", {}),
    ("backoffice:invoices", {}),
    ("backoffice:invoices_csv", {}),
    ("backoffice:invoices_xlsx", {}),
    ("backoffice:invoices_zip", {}),
    ("backoffice:missing_invoices", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), MANAGER_ONLY)
def test_a_cashier_cannot_open_manager_pages(as_cashier, as_manager, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert as_cashier.get(url).status_code == 403
    response = as_manager.get(url)
    assert response.status_code == 200
    if response.streaming:  # read to the end: the response closes its file
        b"".join(response.streaming_content)


def test_a_cashier_cannot_open_or_change_a_group(as_cashier, group):
    url = reverse("backoffice:group", kwargs={"pk": group.pk})
    assert as_cashier.get(url).status_code == 403
    response = as_cashier.post(
        url, {"name": "Piraté", "private_shop": "True", "online_invoices": "False"}
    )
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.online_invoices is True
    assert group.name != "Piraté"


def test_a_cashier_cannot_refund_nor_run_the_bulk_generation(
    as_cashier, park, member, products
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    refund = reverse("backoffice:sale_refund", kwargs={"public_id": sale.public_id})
    response = as_cashier.post(refund, {"everything": "1", "method": "cash"})
    assert response.status_code == 403
    assert sale.payments.filter(amount__lt=0).count() == 0
    bulk = reverse("backoffice:missing_invoices")
    assert as_cashier.post(bulk, {"action": "start"}).status_code == 403


CASHIER_PAGES = [
    "backoffice:dashboard",
    "backoffice:counter",
    "backoffice:sales",
    "backoffice:clients",
    "backoffice:client_create",
    "backoffice:alerts",
]


@pytest.mark.parametrize("name", CASHIER_PAGES)
def test_a_cashier_works_the_counter_clients_sales_and_alerts(as_cashier, park, name):
    assert as_cashier.get(reverse(name)).status_code == 200


def test_the_cashier_navigation_hides_what_it_cannot_open(as_cashier, as_manager, park):
    cashier_page = as_cashier.get(reverse("backoffice:dashboard")).content.decode()
    manager_page = as_manager.get(reverse("backoffice:dashboard")).content.decode()
    groups = reverse("backoffice:groups")
    invoices = reverse("backoffice:invoices")
    assert f'href="{groups}"' not in cashier_page
    assert f'href="{invoices}"' not in cashier_page
    assert f'href="{groups}"' in manager_page
    assert f'href="{invoices}"' in manager_page
