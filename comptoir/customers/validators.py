"""Checks of French business identifiers, with messages in French."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import vatin
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as siren_std
from stdnum.fr import siret as siret_std
from stdnum.fr import tva as tva_std

FRENCH_POSTCODE = re.compile(r"^\d{5}$")


def clean_siret(value: str) -> str:
    """Accept a SIRET (14 digits) or SIREN (9 digits), possibly followed by
    an RCS mention ("324 567 890 RCS PARIS"); check the digits' key."""
    value = (value or "").strip()
    if not value:
        return ""
    match = re.match(r"^([\d\s.]+)(.*)$", value)
    if not match:
        raise ValidationError(
            _("Saisissez un SIRET (14 chiffres) ou un SIREN (9 chiffres).")
        )
    digits = re.sub(r"\D", "", match.group(1))
    if len(digits) == 14:
        if not siret_std.is_valid(digits):
            raise ValidationError(
                _("Ce numéro SIRET n'est pas valide (clé incorrecte).")
            )
    elif len(digits) == 9:
        if not siren_std.is_valid(digits):
            raise ValidationError(
                _("Ce numéro SIREN n'est pas valide (clé incorrecte).")
            )
    else:
        raise ValidationError(
            _("Saisissez un SIRET (14 chiffres) ou un SIREN (9 chiffres).")
        )
    return value


def clean_vat_number(value: str, siren: str = "") -> str:
    """Check a VAT number; a French one must match the SIREN when one is known."""
    value = re.sub(r"[\s.\-]", "", (value or "")).upper()
    if not value:
        return ""
    if value.startswith("FR"):
        try:
            value = "FR" + tva_std.validate(value)
        except StdnumError:
            raise ValidationError(
                _("Ce numéro de TVA français n'est pas valide (clé incorrecte).")
            ) from None
        if siren and value[4:] != siren:
            raise ValidationError(
                _("Ce numéro de TVA ne correspond pas au SIREN de l'entreprise.")
            )
        return value
    try:
        return vatin.validate(value)
    except StdnumError:
        raise ValidationError(
            _("Ce numéro de TVA intracommunautaire n'est pas valide.")
        ) from None


def clean_postcode(value: str, country: str) -> str:
    value = (value or "").strip()
    if value and (country or "FR").upper() == "FR" and not FRENCH_POSTCODE.match(value):
        raise ValidationError(_("Un code postal français compte 5 chiffres."))
    return value


def siren_of(siret_field: str) -> str:
    digits = re.sub(r"\D", "", re.match(r"^[\d\s.]*", siret_field or "").group(0))
    return digits[:9] if len(digits) in (9, 14) else ""
