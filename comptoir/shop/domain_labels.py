"""Domain texts the shop and member space show, listed for their English catalog.

The domain apps own these French strings (product kinds, client record
labels, identifier checks); `makemessages` picks them up here so that the
customer-facing pages read entirely in English when asked.
"""

from django.utils.translation import gettext_noop

DOMAIN_LABELS = [
    # catalog.ProductKind
    gettext_noop("Billet"),
    gettext_noop("Réservation d'activité"),
    gettext_noop("Bon cadeau"),
    gettext_noop("Boutique"),
    gettext_noop("Snack & boissons"),
    # customers.Client fields, as ClientRecordForm labels them
    gettext_noop("prénom"),
    gettext_noop("nom"),
    gettext_noop("email"),
    gettext_noop("téléphone"),
    gettext_noop("adresse"),
    gettext_noop("complément d'adresse"),
    gettext_noop("ville"),
    gettext_noop("code postal"),
    gettext_noop("Pays"),
    gettext_noop("raison sociale"),
    gettext_noop("code comptable compte tiers"),
    gettext_noop("numéro de TVA"),
    gettext_noop("Siret / Immat."),
    # customers.forms.COUNTRY_CHOICES
    gettext_noop("France"),
    gettext_noop("Belgique"),
    gettext_noop("Suisse"),
    gettext_noop("Luxembourg"),
    gettext_noop("Allemagne"),
    gettext_noop("Espagne"),
    gettext_noop("Italie"),
    gettext_noop("Royaume-Uni"),
    # customers.selectors: fields an invoice needs
    gettext_noop("Raison sociale"),
    gettext_noop("Adresse"),
    gettext_noop("Code postal"),
    gettext_noop("Ville"),
    gettext_noop("SIREN / SIRET"),
    # customers.validators
    gettext_noop("Saisissez un SIRET (14 chiffres) ou un SIREN (9 chiffres)."),
    gettext_noop("Ce numéro SIRET n'est pas valide (clé incorrecte)."),
    gettext_noop("Ce numéro SIREN n'est pas valide (clé incorrecte)."),
    gettext_noop("Ce numéro de TVA français n'est pas valide (clé incorrecte)."),
    gettext_noop("Ce numéro de TVA ne correspond pas au SIREN de l'entreprise."),
    gettext_noop("Ce numéro de TVA intracommunautaire n'est pas valide."),
    gettext_noop("Un code postal français compte 5 chiffres."),
]
