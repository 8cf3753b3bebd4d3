"""The hash chain of each series: tampering with an issued row is detectable.

Each document's hash covers its number, sequence, dates, totals and full
snapshot, and the previous document's hash in the same series.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def content_hash(
    *,
    previous_hash: str,
    kind: str,
    number: str,
    sequence: int,
    issued_at: dt.datetime,
    sale_number: str,
    total_excl: Decimal,
    total_vat: Decimal,
    total_incl: Decimal,
    snapshot: dict,
) -> str:
    payload = json.dumps(
        {
            "previous": previous_hash,
            "kind": kind,
            "number": number,
            "sequence": sequence,
            "issued_at": _utc(issued_at),
            "sale_number": sale_number,
            "totals": [_money(total_excl), _money(total_vat), _money(total_incl)],
            "snapshot": snapshot,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def hash_of(document) -> str:
    """Recompute a stored document's hash from its columns."""
    return content_hash(
        previous_hash=document.previous_hash,
        kind=document.kind,
        number=document.number,
        sequence=document.sequence,
        issued_at=document.issued_at,
        sale_number=document.sale_number,
        total_excl=document.total_excl,
        total_vat=document.total_vat,
        total_incl=document.total_incl,
        snapshot=document.snapshot,
    )


@dataclass(frozen=True)
class Break:
    park_id: int
    kind: str
    number: str
    problem: str


def check_series(documents: QuerySet) -> Iterator[Break]:
    """Walk one series in sequence order; yield every broken link."""
    previous_hash = ""
    expected = 1
    for doc in documents.order_by("sequence").iterator(chunk_size=2000):
        where = dict(park_id=doc.park_id, kind=doc.kind, number=doc.number)
        if doc.sequence != expected:
            yield Break(**where, problem=f"séquence {doc.sequence}, attendu {expected}")
        expected = doc.sequence + 1
        if doc.previous_hash != previous_hash:
            yield Break(**where, problem="chaînage rompu (hash précédent différent)")
        if hash_of(doc) != doc.hash:
            yield Break(**where, problem="contenu modifié après émission")
        if doc.pdf_sha256 and doc.pdf:
            try:
                with doc.pdf.open("rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
            except FileNotFoundError:
                digest = "missing"
            if digest != doc.pdf_sha256:
                yield Break(**where, problem="fichier PDF modifié ou absent")
        previous_hash = doc.hash
