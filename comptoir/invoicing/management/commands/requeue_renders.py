"""Queue a render for every document a dead worker left without its PDF."""

from django.core.management.base import BaseCommand

from comptoir.invoicing.services.documents import requeue_unrendered


class Command(BaseCommand):
    help = "Remet en file le rendu PDF des documents non encore rendus."

    def handle(self, *args, **options):
        count = requeue_unrendered()
        self.stdout.write(f"{count} document(s) remis en file.")
