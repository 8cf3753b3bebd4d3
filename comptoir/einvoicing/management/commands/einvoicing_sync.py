"""The e-invoicing sweep: run it every few minutes (cron, systemd timer)."""

from typing import Any

from django.core.management.base import BaseCommand

from comptoir.einvoicing.services.sync import sync


class Command(BaseCommand):
    help = (
        "Transmet les documents en attente (avec délai croissant entre essais), "
        "relève les statuts, envoie « encaissée » et les rapports d'e-reporting dus."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sync()
        self.stdout.write(
            "Facturation électronique : {queued} mis en file, {submitted} transmis, "
            "{polled} statuts relevés, {cashed} « encaissée », "
            "{reports} rapports établis.".format(**counts)
        )
