"""Seal every series with the current integrity key, after checking it.

Run once with --unkeyed after upgrading from unkeyed chains (refused once
anything is sealed), and after changing the key (with the old one in
COMPTOIR_INTEGRITY_PREVIOUS_KEY). A chain that does not verify is refused
and nothing is written: sealing never launders a tampered series.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from comptoir.core.models import Counter
from comptoir.core.numbering import lock_counter
from comptoir.invoicing.integrity import (
    SERIES_PREFIX,
    all_series,
    file_digest,
    integrity_key,
    legacy_hash_of,
    seal_counter,
    seal_document,
    seal_pdf,
)
from comptoir.invoicing.models import Invoice

PREVIOUS_KEY_VARIABLE = "COMPTOIR_INTEGRITY_PREVIOUS_KEY"


class Refused(Exception):
    pass


def _matches(stored: str, candidates: list[str]) -> bool:
    return any(hmac.compare_digest(stored, c) for c in candidates)


def _seal_series(park_id: int, kind: str, keys: list[bytes], unkeyed: bool) -> int:
    counter = lock_counter(park_id=park_id, key=f"{SERIES_PREFIX}{kind}")
    documents = (
        Invoice.objects.filter(park_id=park_id, kind=kind)
        .order_by("sequence")
        .prefetch_related("tax_lines")
    )
    old_previous = new_previous = ""
    expected = 1
    resealed: list[Invoice] = []
    for doc in documents.iterator(chunk_size=2000):
        tax_lines = list(doc.tax_lines.all())
        if doc.sequence != expected or doc.previous_hash != old_previous:
            raise Refused(f"{doc.number} : séquence ou chaînage rompu")
        known = [seal_document(doc, tax_lines=tax_lines, key=k) for k in keys]
        if unkeyed:
            known.append(legacy_hash_of(doc))
        if not _matches(doc.hash, known):
            raise Refused(f"{doc.number} : contenu modifié après émission")
        rendered = bool(doc.pdf_sha256 or doc.pdf or doc.rendered_at or doc.pdf_seal)
        if rendered:
            if doc.pdf_seal and not _matches(
                doc.pdf_seal, [seal_pdf(doc, key=k) for k in keys]
            ):
                raise Refused(f"{doc.number} : empreinte du PDF modifiée")
            if file_digest(doc) != doc.pdf_sha256:
                raise Refused(f"{doc.number} : fichier PDF modifié ou absent")
        old_previous = doc.hash
        expected = doc.sequence + 1
        doc.previous_hash = new_previous
        doc.hash = seal_document(doc, tax_lines=tax_lines)
        doc.pdf_seal = seal_pdf(doc) if rendered else ""
        new_previous = doc.hash
        resealed.append(doc)
    if counter.last_value != expected - 1 or counter.last_hash != old_previous:
        raise Refused(f"compteur {counter.key} différent du dernier document")
    if counter.seal and not _matches(
        counter.seal, [seal_counter(counter, key=k) for k in keys]
    ):
        raise Refused(f"compteur {counter.key} modifié hors de l'application")
    # bulk_update writes the three columns without Invoice.save(), which
    # refuses any change to an issued document.
    Invoice.objects.bulk_update(
        resealed, ["previous_hash", "hash", "pdf_seal"], batch_size=1000
    )
    counter.last_hash = new_previous
    counter.seal = seal_counter(counter)
    counter.save(update_fields=["last_hash", "seal"])
    return len(resealed)


def _already_sealed() -> bool:
    """Whether any counter or stored PDF of a series carries a seal."""
    return (
        Counter.objects.filter(key__startswith=SERIES_PREFIX).exclude(seal="").exists()
        or Invoice.objects.exclude(pdf_seal="").exists()
    )


class Command(BaseCommand):
    help = (
        "Scelle toutes les séries de factures et d'avoirs avec la clé "
        "d'intégrité actuelle, après avoir vérifié leur chaînage."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--unkeyed",
            action="store_true",
            help="Accepte les chaînes SHA-256 sans clé d'avant la clé "
            "d'intégrité (une seule fois, à la mise à niveau).",
        )

    def handle(self, *args: object, **options: Any) -> None:
        keys = [integrity_key()]
        previous = os.environ.get(PREVIOUS_KEY_VARIABLE, "")
        if previous:
            keys.append(previous.encode())
        unkeyed = options["unkeyed"]
        sealed = 0
        with transaction.atomic():
            if unkeyed and _already_sealed():
                # Unkeyed hashes can be computed by anyone with the database:
                # once a seal exists, accepting them would launder tampering.
                raise CommandError(
                    "Cette base est déjà scellée : --unkeyed est refusé. "
                    "Lancez verify_invoices et examinez la rupture signalée."
                )
            for park_id, kind in all_series():
                try:
                    sealed += _seal_series(park_id, kind, keys, unkeyed)
                except Refused as exc:
                    raise CommandError(
                        f"Série {kind} du parc {park_id} : {exc} — rien n'a été scellé."
                    ) from None
        self.stdout.write(self.style.SUCCESS(f"{sealed} documents scellés."))
