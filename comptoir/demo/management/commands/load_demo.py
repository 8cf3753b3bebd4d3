"""Load the demo world of the product note (idempotent)."""

from django.core.management.base import BaseCommand

from comptoir.demo.world import LOGINS, PASSWORD, load_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration (sans doublon si relancé)."

    def handle(self, *args: object, **options: object) -> None:
        created = load_demo()
        self.stdout.write(
            "Données de démonstration chargées."
            if created
            else "Données de démonstration déjà présentes : rien n'a été dupliqué."
        )
        self.stdout.write(f"\nConnexions de démonstration (mot de passe : {PASSWORD})")
        for kind, org, email, what in LOGINS:
            self.stdout.write(f"  {kind:<10} {org:<6} {email:<28} {what}")
