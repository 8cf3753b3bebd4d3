"""The sealed chain of each series: any change behind the application shows.

Each document's seal is an HMAC (key `COMPTOIR_INTEGRITY_KEY`, kept out of
the database) over every stored field with legal or accounting meaning, its
tax lines and the previous document's seal. The stored PDF gets its own seal
once rendered, and each series' counter is sealed with the last number and
seal, so deleting the newest document or moving the counter shows too.
Someone who can write the database but lacks the key can delete or change
rows, never so that `verify_invoices` still passes (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from comptoir.core.models import Counter

from .models import Invoice

SERIES_PREFIX = "doc:"


def integrity_key() -> bytes:
    key = getattr(settings, "COMPTOIR_INTEGRITY_KEY", "")
    if not key:
        # Sealing with an empty key would let anyone recompute the chain.
        raise ImproperlyConfigured("COMPTOIR_INTEGRITY_KEY is not set.")
    return key.encode()


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _canonical(payload: dict) -> bytes:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def _mac(payload: dict, key: bytes | None) -> str:
    return hmac.new(
        integrity_key() if key is None else key, _canonical(payload), hashlib.sha256
    ).hexdigest()


def tax_line_rows(tax_lines: Iterable) -> list[list]:
    """Per-rate rows in a canonical order (the export reads them)."""
    rows = [
        [
            _money(t.vat_rate),
            t.vat_category,
            _money(t.base),
            _money(t.vat),
            _money(t.total_incl),
        ]
        for t in tax_lines
    ]
    return sorted(rows, key=lambda r: [str(v) for v in r])


def _document_payload(document: Invoice, tax_lines: Iterable) -> dict:
    return {
        "seal": 2,
        "previous": document.previous_hash,
        "organization": document.organization_id,
        "park": document.park_id,
        "kind": document.kind,
        "scope": document.scope,
        "generation": document.generation,
        "sale": document.sale_id,
        "client": document.client_id,
        "credited_invoice": document.credited_invoice_id,
        "is_full_credit": bool(document.is_full_credit),
        "number": document.number,
        "sequence": document.sequence,
        "issued_at": _utc(document.issued_at),
        "issue_date": document.issue_date.isoformat(),
        "sale_number": document.sale_number,
        "sale_date": document.sale_date.isoformat(),
        "buyer_name": document.buyer_name,
        "totals": [
            _money(document.total_excl),
            _money(document.total_vat),
            _money(document.total_incl),
        ],
        "tax_lines": tax_line_rows(tax_lines),
        "snapshot": document.snapshot,
    }


def seal_document(
    document: Invoice, *, tax_lines: Iterable, key: bytes | None = None
) -> str:
    """The seal of a document (saved or about to be) and its tax lines."""
    return _mac(_document_payload(document, tax_lines), key)


def seal_pdf(document: Invoice, *, key: bytes | None = None) -> str:
    """The seal of a rendered document's stored file and its checksum."""
    return _mac(
        {
            "pdf": document.hash,
            "name": document.pdf.name or "",
            "sha256": document.pdf_sha256,
        },
        key,
    )


def seal_counter(counter: Counter, *, key: bytes | None = None) -> str:
    """The seal of a series counter: its last value and the last document's seal."""
    return _mac(
        {
            "counter": counter.key,
            "park": counter.park_id,
            "last_value": counter.last_value,
            "last_hash": counter.last_hash,
        },
        key,
    )


def legacy_hash_of(document: Invoice) -> str:
    """The unkeyed SHA-256 of documents issued before the key existed.

    Only `seal_invoices` reads it, to check such a chain before sealing it.
    """
    payload = {
        "previous": document.previous_hash,
        "kind": document.kind,
        "number": document.number,
        "sequence": document.sequence,
        "issued_at": _utc(document.issued_at),
        "sale_number": document.sale_number,
        "totals": [
            _money(document.total_excl),
            _money(document.total_vat),
            _money(document.total_incl),
        ],
        "snapshot": document.snapshot,
    }
    return hashlib.sha256(_canonical(payload)).hexdigest()


def file_digest(document: Invoice) -> str:
    """SHA-256 of the stored PDF, or "missing"."""
    try:
        with document.pdf.open("rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except (FileNotFoundError, ValueError, OSError):
        return "missing"


@dataclass(frozen=True)
class Break:
    park_id: int
    kind: str
    number: str
    problem: str


def _is_rendered(doc: Invoice) -> bool:
    return bool(doc.pdf_sha256 or doc.pdf or doc.rendered_at or doc.pdf_seal)


def check_series(
    documents: QuerySet, counter: Counter | None = None
) -> Iterator[Break]:
    """Walk one series in sequence order; yield every broken link.

    `counter` is the series' counter row (None when it is missing): the last
    document must be the one it names, with its number.
    """
    previous_hash = ""
    expected = 1
    last = None
    for doc in (
        documents.order_by("sequence")
        .prefetch_related("tax_lines")
        .iterator(chunk_size=2000)
    ):
        where = dict(park_id=doc.park_id, kind=doc.kind, number=doc.number)
        if doc.sequence != expected:
            yield Break(**where, problem=f"séquence {doc.sequence}, attendu {expected}")
        expected = doc.sequence + 1
        if doc.previous_hash != previous_hash:
            yield Break(**where, problem="chaînage rompu (hash précédent différent)")
        sealed = seal_document(doc, tax_lines=doc.tax_lines.all())
        if not hmac.compare_digest(sealed, doc.hash):
            yield Break(**where, problem="contenu modifié après émission")
        if _is_rendered(doc):
            if not hmac.compare_digest(seal_pdf(doc), doc.pdf_seal):
                yield Break(**where, problem="empreinte du PDF modifiée")
            elif file_digest(doc) != doc.pdf_sha256:
                yield Break(**where, problem="fichier PDF modifié ou absent")
        previous_hash = doc.hash
        last = doc
    yield from _check_counter(documents, counter, last)


def _check_counter(
    documents: QuerySet, counter: Counter | None, last: Invoice | None
) -> Iterator[Break]:
    if counter is None:
        if last is not None:
            yield Break(
                park_id=last.park_id,
                kind=last.kind,
                number=last.number,
                problem="compteur de la série absent",
            )
        return
    if last is None and counter.last_value == 0 and not counter.last_hash:
        # Created and never used (the park settings lock it when the series
        # code changes); a series emptied with its counter reset looks the
        # same, like one deleted with its counter row (docs/security.md).
        return
    kind = counter.key.removeprefix(SERIES_PREFIX)
    where: dict[str, Any] = dict(
        park_id=counter.park_id,
        kind=kind,
        number=last.number if last is not None else "—",
    )
    if not hmac.compare_digest(seal_counter(counter), counter.seal):
        yield Break(**where, problem="compteur modifié hors de l'application")
    last_sequence = last.sequence if last is not None else 0
    if counter.last_value != last_sequence:
        yield Break(
            **where,
            problem=f"compteur à {counter.last_value}, dernier document "
            f"no {last_sequence} (document supprimé ou compteur déplacé)",
        )
    elif counter.last_hash != (last.hash if last is not None else ""):
        yield Break(**where, problem="dernier document supprimé ou remplacé")


def all_series() -> list[tuple[int, str]]:
    """Every (park, kind) with a document or a document counter."""
    found = set(Invoice.objects.order_by().values_list("park_id", "kind").distinct())
    for park_id, key in Counter.objects.filter(
        key__startswith=SERIES_PREFIX
    ).values_list("park_id", "key"):
        found.add((park_id, key.removeprefix(SERIES_PREFIX)))
    return sorted(found)


def check_all_series() -> Iterator[tuple[int, str, int, Break | None]]:
    """(park, kind, documents, first break or None) for every series."""
    for park_id, kind in all_series():
        documents = Invoice.objects.filter(park_id=park_id, kind=kind)
        counter = Counter.objects.filter(
            park_id=park_id, key=f"{SERIES_PREFIX}{kind}"
        ).first()
        broken = next(iter(check_series(documents, counter)), None)
        yield park_id, kind, documents.count(), broken
