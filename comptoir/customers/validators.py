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
# A SIRET or SIREN opens the field: digits, spaces and dots, then any RCS text.
REGISTRATION_DIGITS = re.compile(r"^[\d\s.]*\d")


def clean_siret(value: str) -> str:
    """Accept a SIRET (14 digits) or SIREN (9 digits), possibly followed by
    an RCS mention ("324 567 890 RCS PARIS"); check the digits' key."""
    value = (value or "").strip()
    if not value:
        return ""
    digits = registration_digits(value)
    if not digits:
        raise ValidationError(
            _("Saisissez un SIRET (14 chiffres) ou un SIREN (9 chiffres).")
        )
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


def registration_digits(value: str | None) -> str:
    """The digits a SIRET / registration field opens with ("324 567 890 RCS
    PARIS" gives "324567890"); spaces and dots between them are ignored."""
    match = REGISTRATION_DIGITS.match(value or "")
    return re.sub(r"\D", "", match.group(0)) if match else ""


def siren_from_siret(value: str | None) -> str:
    """The SIREN a SIRET / registration field holds, or "" when it holds none.

    The one rule (python-stdnum checks the key): a valid 14-digit SIRET gives
    its first 9 digits, a valid 9-digit SIREN gives itself.
    """
    digits = registration_digits(value)
    if len(digits) == 14 and siret_std.is_valid(digits):
        return siret_std.to_siren(digits)
    if len(digits) == 9 and siren_std.is_valid(digits):
        return digits
    return ""


def siret_from_field(value: str | None) -> str:
    """The 14-digit SIRET a registration field holds, or "" when it holds none."""
    digits = registration_digits(value)
    return digits if len(digits) == 14 and siret_std.is_valid(digits) else ""
