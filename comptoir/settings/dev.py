"""Embedded default: SQLite, tasks in-process, files on disk, mail to the console."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-comptoir-0000000000000000000000000000"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"  # noqa: F405

# E-invoicing in test mode with no platform address uses a local stand-in
# (comptoir/einvoicing/standin/), started on first use; statuses advance
# every EINVOICING_STANDIN_TICK seconds.
EINVOICING_LOCAL_STANDIN = True
EINVOICING_STANDIN_TICK = 20
# ... and notifies this site (SITE_URL) of each status, as a PA's webhook would.
EINVOICING_STANDIN_WEBHOOKS = True
# The stand-in refuses the demo's NOVACORP invoices (comptoir/demo/world.py).
EINVOICING_STANDIN_REFUSALS = {"443061809": "Commande non reconnue par nos achats"}
