"""Money and VAT rates on every screen: template filters built into every
template (settings `TEMPLATES` `builtins`), so no front end keeps its own."""

from __future__ import annotations

from django import template

from comptoir.core.money import format_money, format_rate

register = template.Library()

register.filter("money", format_money)
register.filter("vat_rate", format_rate)
