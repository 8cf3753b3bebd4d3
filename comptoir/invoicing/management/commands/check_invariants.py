"""Check that no sale, payment or number was lost; exit non-zero otherwise."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comptoir.invoicing.invariants import check_invariants, summary


class Command(BaseCommand):
    help = "Vérifie les invariants : ventes, paiements, factures, alertes, séries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-unrendered", action="store_true", help="PDF pas encore rendus"
        )

    def handle(
        self, *args: object, allow_unrendered: bool = False, **options: object
    ) -> None:
        problems = check_invariants(require_rendered=not allow_unrendered)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in summary().items()))
        if problems:
            for problem in problems[:50]:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} invariant(s) broken")
        self.stdout.write(self.style.SUCCESS("All invariants hold."))
