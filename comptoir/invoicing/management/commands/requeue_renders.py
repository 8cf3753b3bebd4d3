"""Queue a render for every document a dead worker left without its PDF."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from comptoir.invoicing.services.documents import requeue_unrendered


class Command(BaseCommand):
    help = "Remet en file le rendu PDF des documents non encore rendus."

    def handle(self, *args: object, **options: object) -> None:
        count = requeue_unrendered()
        self.stdout.write(
            ngettext(
                "%(count)d document remis en file.",
                "%(count)d documents remis en file.",
                count,
            )
            % {"count": count}
        )
