"""Ask the payment providers about sessions and refunds they never confirmed.

Run it every few minutes (cron or a scheduler):
`python manage.py sweep_payments`.
"""

from django.core.management.base import BaseCommand

from comptoir.payments.services import sweep_payments


class Command(BaseCommand):
    help = "Reconcile open payment sessions and pending refunds with the provider."

    def handle(self, *args: object, **options: object) -> None:
        report = sweep_payments()
        self.stdout.write(
            f"{report.sessions_checked} sessions checked, {report.paid} paid, "
            f"{report.released} released, {report.refunds_retried} refunds retried"
        )
        for error in report.errors:
            self.stderr.write(error)
