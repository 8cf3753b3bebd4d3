"""Queue again the accounting exports a dead worker left unfinished."""

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from comptoir.accounting.services import requeue_stale_exports


class Command(BaseCommand):
    help = "Remet en file les exports comptables restés en attente ou en cours."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--minutes",
            type=int,
            default=30,
            help="Âge au-delà duquel un export non terminé est remis en file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = requeue_stale_exports(
            older_than=dt.timedelta(minutes=options["minutes"])
        )
        self.stdout.write(f"{count} export(s) remis en file.")
