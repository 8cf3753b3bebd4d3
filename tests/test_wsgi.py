"""The WSGI entry point leaves start-up's objects out of the collector."""

import gc
import importlib


def test_loading_the_wsgi_application_freezes_what_start_up_made():
    gc.unfreeze()
    try:
        import comptoir.wsgi

        importlib.reload(comptoir.wsgi)
        assert callable(comptoir.wsgi.application)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
