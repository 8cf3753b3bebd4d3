import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.prod")
application = get_wsgi_application()

# What start-up made (Django's apps, models, URL patterns, translations…)
# lives as long as the process: moved out of the garbage collector's
# generations, it is no longer walked again and again by every collection
# a request triggers (≈ 4 % of a paid order's CPU, bench/README.md).
gc.freeze()
