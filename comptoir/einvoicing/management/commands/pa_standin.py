"""Run the local PA stand-in on its own (development only)."""

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comptoir.einvoicing.standin import StandInPlatform


class Command(BaseCommand):
    help = (
        "Lance la plateforme agréée de démonstration sur 127.0.0.1 (port libre) : "
        "renseignez l'adresse affichée dans Facturation électronique, mode Test."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--token", default="", help="jeton exigé (Bearer)")
        parser.add_argument("--tick", type=float, default=20.0, help="secondes")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not settings.EINVOICING_LOCAL_STANDIN:
            raise CommandError(
                "La plateforme de démonstration est réservée au développement."
            )
        standin = StandInPlatform(token=options["token"]).start()
        standin.run_timer(options["tick"])
        self.stdout.write(f"Plateforme de démonstration : {standin.url}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            standin.stop()
