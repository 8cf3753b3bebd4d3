"""Legal mentions printed on the PDF and carried as Factur-X notes (BT-21/22).

One wording for both, so the paper and the XML say the same thing. Subject
codes are UNTDID 4451, as French Factur-X examples use them: PMD for
late-payment penalties, PMT for the 40 € indemnity, AAB for early-payment
discount, TXD for tax mentions, REG for the seller's legal information.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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
# A credit note is owed by the seller: the buyer's payment terms, penalties
# and recovery indemnity do not apply. The French rules (BR-FR-05) still
# want the three notes in the XML, so they say so there; the PDF does not
# repeat them.
CREDIT_NOTE_TERMS = "Avoir : aucune somme n'est due par le client."
CREDIT_NOTE_NO_DISCOUNT = "Escompte : sans objet pour un avoir."
CREDIT_NOTE_NO_PENALTY = (
    "Avoir : aucune somme due par le client, pas de pénalités de retard."
)
CREDIT_NOTE_NO_INDEMNITY = (
    "Avoir : pas d'indemnité forfaitaire pour frais de recouvrement."
)
OFFSET = "offset"  # payment method of a credit note carried to a new invoice
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
    if not label:
        return ""
    if all(line.nature == "voucher" for line in doc.lines):
        label += " (bons cadeaux multi-usages, utilisables pour les activités)"
    return f"Nature de l'opération : {label}"


def payment_terms(doc: Document) -> str:
    if doc.is_credit_note:
        return CREDIT_NOTE_TERMS
    return doc.seller["payment_terms"] or DEFAULT_PAYMENT_TERMS


def _methods(doc: Document) -> str:
    labels: list[str] = []
    for payment in doc.payments:
        if payment.label and payment.label not in labels:
            labels.append(payment.label)
    return " et ".join(labels)


def _last_payment_date(doc: Document) -> str:
    dates = [payment.date for payment in doc.payments if payment.date is not None]
    return formatting.date(max(dates) if dates else doc.issue_date)


def settlement_label(doc: Document) -> str:
    """What the document's most prominent figure is: owed, paid or refunded.

    "Payé le 05/02/2024 par Carte bancaire" for a paid invoice, never a
    "Net à payer 0,00 €" a buyer may take for a bill.
    """
    if doc.due != 0 or not doc.payments:
        if doc.is_credit_note:
            return "Net à rembourser"
        return "Net à payer" if doc.due != 0 else "Payé"
    when = _last_payment_date(doc)
    if doc.is_credit_note:
        if all(payment.method == OFFSET for payment in doc.payments):
            return f"Reporté le {when} sur la nouvelle facture"
        return f"Remboursé le {when} par {_methods(doc)}"
    return f"Payé le {when} par {_methods(doc)}"


def settlement_amount(doc: Document) -> Decimal:
    """The figure beside `settlement_label`."""
    if doc.due != 0 or not doc.payments:
        return doc.due
    return doc.paid


def credit_note_settlement(doc: Document) -> str:
    """How the credit note was settled, in one sentence."""
    if not doc.payments:
        return "Aucun remboursement à la date de l'avoir."
    if all(payment.method == OFFSET for payment in doc.payments):
        references = ", ".join(p.reference for p in doc.payments if p.reference)
        text = (
            "Non remboursé : le règlement de la facture annulée est reporté "
            "sur la nouvelle facture"
        )
        return f"{text} {references}." if references else f"{text}."
    amount = formatting.money(doc.paid).replace(formatting.NBSP, " ")
    text = f"Remboursé le {_last_payment_date(doc)} par {_methods(doc)} : {amount}"
    if doc.due:
        rest = formatting.money(doc.due).replace(formatting.NBSP, " ")
        text += f" ; reste à rembourser : {rest}"
    return text + "."


def replacement_text(doc: Document) -> str:
    if doc.replaces is None:
        return ""
    issued = formatting.date(doc.replaces.issue_date)
    return (
        f"Facture rectificative : remplace la facture {doc.replaces.number} "
        f"du {issued}, annulée par avoir"
    )


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
    if doc.buyer.flag("professional") and doc.is_credit_note:
        mentions.append(Mention("AAB", CREDIT_NOTE_NO_DISCOUNT, printed=False))
        mentions.append(Mention("PMD", CREDIT_NOTE_NO_PENALTY, printed=False))
        mentions.append(Mention("PMT", CREDIT_NOTE_NO_INDEMNITY, printed=False))
    elif doc.buyer.flag("professional"):
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
            text += f". Motif : {doc.reason.rstrip('.')}"
        text += f". {credit_note_settlement(doc)}"
        notes.append(Mention("ACD", text))
    if doc.replaces is not None:
        text = replacement_text(doc)
        if doc.reason:
            text += f". Motif : {doc.reason.rstrip('.')}"
        notes.append(Mention("ACD", text + "."))
    notes.append(Mention("REG", seller_legal_text(doc)))
    notes.extend(legal_mentions(doc))
    return notes


def _key(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).rstrip(".").casefold()
