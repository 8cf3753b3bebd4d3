"""Check every series' sealed chain, counter and PDFs; exit non-zero on a break."""

from django.core.management.base import BaseCommand, CommandError

from comptoir.invoicing.integrity import check_all_series


class Command(BaseCommand):
    help = (
        "Vérifie la numérotation, le chaînage scellé, les compteurs et les PDF "
        "de toutes les séries de factures et d'avoirs."
    )

    def handle(self, *args, **options):
        checked = 0
        for park_id, kind, count, broken in check_all_series():
            if broken is not None:
                raise CommandError(
                    f"Série {kind} du parc {park_id} : "
                    f"{broken.number} — {broken.problem}"
                )
            checked += count
        self.stdout.write(
            self.style.SUCCESS(f"{checked} documents vérifiés, chaîne intacte.")
        )
