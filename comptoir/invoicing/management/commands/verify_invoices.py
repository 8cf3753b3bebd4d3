"""Walk every series' hash chain and stored PDFs; exit non-zero on the first break."""

from django.core.management.base import BaseCommand, CommandError

from comptoir.invoicing.integrity import check_series
from comptoir.invoicing.models import Invoice


class Command(BaseCommand):
    help = (
        "Vérifie la numérotation et le chaînage de toutes les séries "
        "de factures et d'avoirs."
    )

    def handle(self, *args, **options):
        series = Invoice.objects.order_by().values_list("park_id", "kind").distinct()
        checked = 0
        for park_id, kind in sorted(series):
            documents = Invoice.objects.filter(park_id=park_id, kind=kind)
            for broken in check_series(documents):
                raise CommandError(
                    f"Série {kind} du parc {park_id} : "
                    f"{broken.number} — {broken.problem}"
                )
            checked += documents.count()
        self.stdout.write(
            self.style.SUCCESS(f"{checked} documents vérifiés, chaîne intacte.")
        )
