"""A local approved platform (PA), for the tests and the demo only.

A real HTTP server on 127.0.0.1 (port chosen by the system) answering the
same AFNOR XP Z12-013 routes as `platforms/afnor.py` calls. It checks each
Factur-X it receives with the rules the test-suite uses
(comptoir/invoicing/facturx_rules.py: XSD, CEN EN 16931, Factur-X, BR-FR),
rejects an invalid one with the reason, and moves accepted documents through
life-cycle statuses when told to (`advance`, `emit`) or on a timer (demo).
Never used in production: see checks.py.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from .checks import public, sign
from .platform import StandInPlatform

__all__ = ["StandInPlatform", "local_standin", "public", "sign"]

_LOCAL: StandInPlatform | None = None
_LOCAL_LOCK = threading.Lock()


def local_standin() -> StandInPlatform:
    """The development installation's stand-in, started on first use in this
    process; its flows persist in var/ so the site and `load_demo` share them."""
    global _LOCAL
    with _LOCAL_LOCK:
        if _LOCAL is None:
            path = Path(settings.VAR_DIR) / "pa-standin.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            _LOCAL = StandInPlatform(state_path=path).start()
            _LOCAL.refusals.update(getattr(settings, "EINVOICING_STANDIN_REFUSALS", {}))
            _LOCAL.run_timer(float(getattr(settings, "EINVOICING_STANDIN_TICK", 20)))
        return _LOCAL
