"""Legal mentions printed on the PDF and carried as Factur-X notes (BT-21/22).

One wording for both, so the paper and the XML say the same thing. Subject
codes are UNTDID 4451, as French Factur-X examples use them: PMD for
late-payment penalties, PMT for the 40 € indemnity, AAB for early-payment
discount, TXD for tax mentions, REG for the seller's legal information.
"""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.invoicing.rendering import formatting
from comptoir.invoicing.rendering.snapshot import Document

NATURE_LABELS = {
    "services": "Prestations de services",
    "goods": "Livraison de biens",
    "mixed": "Livraison de biens et prestations de services",
}
DEFAULT_PAYMENT_TERMS = "Paiement à réception de facture."
DEFAULT_PENALTY_TEXT = (
    "En cas de retard de paiement, des pénalités égales à trois fois le taux "
    "d'intérêt légal sont exigibles (art. L441-10 du Code de commerce)."
)
NO_DISCOUNT = "Escompte pour paiement anticipé : néant."
RECOVERY_INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement en cas de retard de "
    "paiement : 40 €"
)
VAT_ON_DEBITS = "Option pour le paiement de la TVA d'après les débits"
VOUCHER_OUT_OF_SCOPE = (
    "Bon cadeau multi-usages : hors champ d'application de la TVA "
    "(art. 256 ter du CGI), la TVA sera due lors de son utilisation."
)


@dataclass(frozen=True)
class Mention:
    subject: str  # UNTDID 4451 code of the Factur-X note
    text: str
    printed: bool = True  # False: in the XML only, the PDF says it already


def nature_text(doc: Document) -> str:
    label = NATURE_LABELS.get(doc.nature)
    return f"Nature de l'opération : {label}" if label else ""


def payment_terms(doc: Document) -> str:
    return doc.seller["payment_terms"] or DEFAULT_PAYMENT_TERMS


def seller_legal_text(doc: Document) -> str:
    """Company, legal form and capital, RCS: the seller's legal identity."""
    seller = doc.seller
    parts = [seller["company_name"] or seller["name"]]
    if seller["legal_form"] and seller["share_capital"]:
        parts.append(f"{seller['legal_form']} au capital de {seller['share_capital']}")
    elif seller["legal_form"]:
        parts.append(seller["legal_form"])
    if seller["rcs"]:
        parts.append(seller["rcs"])
    return ", ".join(parts)


def credit_note_reference(doc: Document) -> str:
    if doc.cancels is None:
        return ""
    issued = formatting.date(doc.cancels.issue_date)
    return f"Avoir sur la facture {doc.cancels.number} du {issued}"


def legal_mentions(doc: Document) -> list[Mention]:
    """The mentions at the foot of the document, in printing order."""
    mentions: list[Mention] = []
    nature = nature_text(doc)
    if nature:
        mentions.append(Mention("AAI", nature))
    if doc.out_of_scope:
        mentions.append(Mention("TXD", VOUCHER_OUT_OF_SCOPE))
    elif doc.seller.flag("vat_on_debits"):
        mentions.append(Mention("TXD", VAT_ON_DEBITS))
    if doc.buyer.flag("professional"):
        # Parks often write "pas d'escompte" in their payment terms, printed
        # just above; the XML still needs its own AAB note.
        said = "escompte" in payment_terms(doc).casefold()
        mentions.append(Mention("AAB", NO_DISCOUNT, printed=not said))
        mentions.append(
            Mention("PMD", doc.seller["penalty_text"] or DEFAULT_PENALTY_TEXT)
        )
        mentions.append(Mention("PMT", RECOVERY_INDEMNITY))
    seen = {_key(mention.text) for mention in mentions}
    for note in doc.notes:
        if _key(note) not in seen:
            seen.add(_key(note))
            mentions.append(Mention("AAI", note))
    return mentions


def xml_notes(doc: Document) -> list[Mention]:
    """Every note of the Factur-X XML: credit note reason, legal, mentions."""
    notes: list[Mention] = []
    if doc.cancels is not None:
        text = credit_note_reference(doc)
        if doc.reason:
            text += f". Motif : {doc.reason}"
        notes.append(Mention("ACD", text))
    notes.append(Mention("REG", seller_legal_text(doc)))
    notes.extend(legal_mentions(doc))
    return notes


def _key(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).rstrip(".").casefold()
