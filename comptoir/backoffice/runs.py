"""A "Générer les factures manquantes" run, advanced one batch per request.

The run's state (what was issued, what was not and why) is a small dict
kept in the staff member's session, so the page can show the progress
between batches; the invoices themselves are the truth.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from comptoir.invoicing.services.bulk import (
    issue_missing_invoices,
    sales_missing_invoice,
)
from comptoir.organizations.models import Organization, User

KEPT_ISSUED = 200  # the report lists the latest ones; the count covers all


def new_run(organization: Organization) -> dict:
    return {
        "organization": organization.pk,
        "total": sales_missing_invoice(organization.pk).count(),
        "issued_count": 0,
        "issued": [],
        "not_issued": [],
        "remaining": 0,
        "done": False,
    }


def advance(
    run: dict,
    *,
    organization: Organization,
    actor: User | AnonymousUser | None,
    batch_size: int,
) -> dict:
    """Issue the next batch and record its outcome in `run`."""
    if run["done"]:
        return run
    report = issue_missing_invoices(
        organization=organization,
        actor=actor,
        limit=batch_size,
        skip_sale_ids=[item["sale_id"] for item in run["not_issued"]],
    )
    run["issued_count"] += len(report.issued)
    run["issued"] = (
        run["issued"]
        + [
            {
                "sale": i.sale_number,
                "client": i.client_name,
                "numbers": i.invoice_numbers,
            }
            for i in report.issued
        ]
    )[-KEPT_ISSUED:]
    run["not_issued"] += [
        {
            "sale_id": n.sale_id,
            "sale": n.sale_number,
            "client_id": n.client_id,
            "client": n.client_name,
            "missing": n.missing,
            "reason": n.reason,
        }
        for n in report.not_issued
    ]
    run["remaining"] = report.remaining
    run["done"] = report.remaining == 0 or not (report.issued or report.not_issued)
    return run


def progress(run: dict) -> dict:
    processed = run["issued_count"] + len(run["not_issued"])
    total = max(run["total"], processed + run["remaining"], 1)
    return {
        "processed": processed,
        "total": total,
        "percent": round(100 * processed / total),
    }
