"""Rendering benchmarks: invoice PDF + Factur-X, against WeasyPrint.

    .venv/bin/python bench/render.py            # 200 runs per measure
    .venv/bin/python bench/render.py --runs 50
    .venv/bin/python bench/render.py --only render stages tickets

Prints median and p90 in milliseconds. Each section is a function taking the
parsed arguments; add one to SECTIONS (e.g. bench_issue_and_render(n), which
needs the database) and it runs in the same report. Figures and what limits
them: bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import html
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from comptoir.core.fonts import _FONT_DIR  # noqa: E402
from comptoir.core.totals import LineInput, compute_totals  # noqa: E402
from comptoir.invoicing.rendering import facturx, pdf, render_document  # noqa: E402
from comptoir.invoicing.rendering import formatting as fmt  # noqa: E402
from comptoir.invoicing.rendering.snapshot import parse_snapshot  # noqa: E402

BASKET = [
    ("Entrée 1h", 2, "15.00", "20.00", "services"),
    ("Laser game — partie de 20 min", 4, "9.90", "20.00", "services"),
    ("Boisson fraîche", 6, "3.50", "10.00", "goods"),
    ("Chaussettes antidérapantes", 2, "3.00", "20.00", "goods"),
    ("Part de gâteau", 6, "4.20", "5.50", "goods"),
]


def sample_snapshot() -> dict[str, Any]:
    """A one-page invoice shaped as docs/snapshot.md, amounts from the project."""
    inputs = [
        LineInput(Decimal(qty), Decimal(price), Decimal(rate))
        for _, qty, price, rate, _ in BASKET
    ]
    totals = compute_totals(inputs)

    def money(value: Decimal) -> str:
        return f"{value:.2f}"

    return {
        "document": {
            "kind": "invoice",
            "type_code": "380",
            "number": "FA-KD-20240305-000010",
            "issue_date": "2024-03-05",
            "cancels": None,
            "reason": "",
            "currency": "EUR",
        },
        "sale": {"number": "S-240205-000002", "date": "2024-02-05"},
        "seller": {
            "name": "TRY Trampoline Park",
            "company_name": "TRY LOISIRS SAS",
            "legal_form": "SAS",
            "share_capital": "10 000 €",
            "siren": "123456789",
            "siret": "12345678900012",
            "rcs": "RCS Paris 123 456 789",
            "vat_number": "FR32123456789",
            "address": "12 rue des Rebonds",
            "address_complement": "",
            "postcode": "75014",
            "city": "Paris",
            "country": "FR",
            "email": "factures@try-park.fr",
            "phone": "01 23 45 67 89",
            "logo": "",
            "payment_terms": "Paiement comptant à la commande.",
            "penalty_text": "",
            "vat_on_debits": False,
        },
        "buyer": {
            "company_name": "BAYCORP INC",
            "contact_name": "ERIC BAY",
            "email": "eric@baycorp.example",
            "address": "281 BIS Bd Raspail",
            "address_complement": "",
            "postcode": "89530",
            "city": "MOUTIERS EN PUISAYE",
            "country": "FR",
            "vat_number": "FR40987654321",
            "siret": "98765432100017",
            "siren": "987654321",
            "registration": "987 654 321 00017",
            "accounting_code": "491123456",
            "professional": True,
        },
        "lines": [
            {
                "description": description,
                "product_kind": "ticket",
                "nature": nature,
                "quantity": str(qty),
                "unit_price_incl": price,
                "unit_price_excl": str(line.unit_price_excl),
                "vat_rate": rate,
                "vat_category": "S",
                "total_incl": money(line.total_incl),
                "total_excl": money(line.total_excl),
                "total_vat": money(line.total_vat),
            }
            for (description, qty, price, rate, nature), line in zip(
                BASKET, totals.lines, strict=True
            )
        ],
        "vat_breakdown": [
            {
                "vat_rate": f"{row.vat_rate:.2f}",
                "vat_category": row.vat_category,
                "base": money(row.base),
                "vat": money(row.vat),
                "total_incl": money(row.total_incl),
            }
            for row in totals.breakdown
        ],
        "totals": {
            "excl": money(totals.excl),
            "vat": money(totals.vat),
            "incl": money(totals.incl),
            "paid": money(totals.incl),
            "due": "0.00",
        },
        "payments": [
            {
                "method": "card",
                "method_label": "Carte bancaire",
                "amount": money(totals.incl),
                "date": "2024-02-05",
                "reference": "PAY-7F3A21",
            }
        ],
        "nature": "mixed",
        "notes": [],
    }


def sample_logo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (360, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 359, 239), radius=48, fill=(29, 53, 87, 255))
    draw.ellipse((150, 40, 210, 100), fill=(230, 57, 70, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# -- measuring --------------------------------------------------------------


class Timings:
    """Wall-clock and CPU milliseconds of each timed call."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []


def measure(function: Callable[[], object], runs: int, warmup: int = 3) -> Timings:
    """Time each call; garbage collection kept out of the timed calls.

    CPU time is reported beside wall time: on a shared machine other
    processes stretch the wall clock, not the CPU work of this one.
    """
    for _ in range(warmup):
        function()
    timings = Timings()
    for _ in range(runs):
        gc.collect()
        gc.disable()
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        timings.cpu.append((time.process_time() - cpu) * 1000)
        timings.wall.append((time.perf_counter() - wall) * 1000)
        gc.enable()
    return timings


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def report(label: str, timings: Timings) -> float:
    median = statistics.median(timings.wall)
    print(
        f"  {label:<42} median {median:7.2f}  p90 {p90(timings.wall):7.2f}"
        f"   cpu median {statistics.median(timings.cpu):7.2f}"
    )
    return median


# -- sections ---------------------------------------------------------------


def bench_render_facturx(args: argparse.Namespace) -> None:
    """The product path: render_document(), PDF + Factur-X + PDF/A-3 items."""
    snapshot, logo = sample_snapshot(), sample_logo()
    start = time.perf_counter()
    render_document(snapshot, logo=logo)  # registers fonts, compiles the XSD
    cold = (time.perf_counter() - start) * 1000
    print("render_document() — one-page invoice, complete Factur-X (PDF/A-3B)")
    print(f"  {'first document in the process (cold)':<42} {cold:7.2f}")
    args.results["render"] = report(
        "warm, with logo",
        measure(lambda: render_document(snapshot, logo=logo), args.runs),
    )
    report("warm, without logo", measure(lambda: render_document(snapshot), args.runs))


def bench_stages(args: argparse.Namespace) -> None:
    """Where the time goes, stage by stage."""
    import facturx as facturx_lib
    import pikepdf

    snapshot, logo = sample_snapshot(), sample_logo()
    doc = parse_snapshot(snapshot)
    root = facturx.cii_tree(doc)
    xml = facturx.serialize(root)
    raw = pdf.build_pdf(doc, logo)

    def with_facturx_lib() -> bytes:
        # The alternative: factur-x's own packaging (pypdf), then pikepdf
        # again for the OutputIntent and the metadata: two parses, two saves
        # (the second one as fast as ours: no recompression).
        packed = facturx_lib.generate_from_binary(
            raw, xml, flavor="factur-x", level="en16931", check_xsd=False
        )
        with pikepdf.open(io.BytesIO(packed)) as again:
            icc = again.make_stream(facturx.srgb_profile())
            icc.N = 3
            again.Root.OutputIntents = pikepdf.Array(
                [pikepdf.Dictionary(S=pikepdf.Name.GTS_PDFA1, DestOutputProfile=icc)]
            )
            with again.open_metadata(set_pikepdf_as_editor=False) as xmp:
                xmp["pdf:Producer"] = facturx.PRODUCER
            out = io.BytesIO()
            again.save(
                out,
                compress_streams=False,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
            )
        return out.getvalue()

    def facturx_lib_only() -> bytes:
        return facturx_lib.generate_from_binary(
            raw, xml, flavor="factur-x", level="en16931", check_xsd=False
        )

    def facturx_lib_xsd() -> bool:
        return facturx_lib.xml_check_xsd(xml, flavor="factur-x", level="en16931")

    n = args.runs
    stages: list[tuple[str, Callable[[], object], int]] = [
        ("parse + check the snapshot", lambda: parse_snapshot(snapshot), n),
        ("PDF with ReportLab (subset, embedded)", lambda: pdf.build_pdf(doc, logo), n),
        ("CII XML with lxml", lambda: facturx.serialize(facturx.cii_tree(doc)), n),
        ("XSD check (schema compiled once)", lambda: facturx.check_xsd(root), n),
        (
            "embed XML + PDF/A-3 items, one save",
            lambda: facturx.package(raw, xml, doc),
            n,
        ),
        ("  instead: factur-x generate_from_binary", facturx_lib_only, n),
        ("  instead: generate_from_binary + pikepdf", with_facturx_lib, n),
        ("  factur-x xml_check_xsd (recompiles XSD)", facturx_lib_xsd, 20),
    ]
    print("stages of render_document()")
    for label, function, runs in stages:
        report(label, measure(function, runs))


def bench_tickets_pdf(args: argparse.Namespace) -> None:
    """The order confirmation's other PDF: one A6 page a ticket, its QR code."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings.test")
    import django

    django.setup()  # the page's labels go through gettext
    from comptoir.sales.documents import Page, _pdf

    def page(n: int) -> Page:
        code = f"T{n:011d}"
        rows = [
            ("Code", code),
            ("Valable jusqu'au", "30/11/2027"),
            ("Titulaire", "Éloïse Müller"),
            ("Vente no", "S-261130-000001"),
        ]
        return Page("BILLET D'ENTRÉE", "Entrée 1h", rows, code)

    print("tickets' PDF (sales.documents), A6, QR code, Vera subsets")
    for count in (1, 4):
        pages = [page(n) for n in range(count)]
        report(
            f"{count} ticket{'s' if count > 1 else ''}",
            measure(
                lambda pages=pages: _pdf(pages, title="Billets", author="Parc"),
                args.runs,
            ),
        )


def invoice_html(snapshot: dict[str, Any]) -> str:
    """The same invoice as an HTML page, for WeasyPrint."""
    doc = parse_snapshot(snapshot)
    e = html.escape
    seller, buyer = doc.seller, doc.buyer
    lines = "".join(
        f"<tr><td>{e(line.description)}</td><td class=n>{fmt.quantity(line.quantity)}"
        f"</td><td class=n>{fmt.unit_price(line.unit_price_excl)}</td>"
        f"<td class=n>{fmt.rate(line.vat_rate or Decimal(0))}</td>"
        f"<td class=n>{fmt.money(line.total_excl)}</td></tr>"
        for line in doc.lines
    )
    vat = "".join(
        f"<tr><td>{fmt.rate(row.vat_rate or Decimal(0))}</td>"
        f"<td class=n>{fmt.money(row.base)}</td><td class=n>{fmt.money(row.vat)}</td>"
        f"<td class=n>{fmt.money(row.total_incl)}</td></tr>"
        for row in doc.breakdown
    )
    font = (_FONT_DIR / "Vera.ttf").as_uri()
    bold = (_FONT_DIR / "VeraBd.ttf").as_uri()
    return f"""<!doctype html><html lang=fr><head><meta charset=utf-8><style>
@font-face {{ font-family: Vera; src: url({font}); }}
@font-face {{ font-family: Vera; font-weight: bold; src: url({bold}); }}
@page {{ size: A4; margin: 44mm 16mm 22mm;
  @top-left {{ content: "{e(seller["name"])}"; font: bold 15pt Vera; }}
  @bottom-right {{ content: "Page " counter(page) " / " counter(pages); }} }}
body {{ font: 8.5pt Vera; color: #1f2933; }}
h1 {{ text-align: right; font-size: 22pt; margin: 0; }}
.parties {{ display: flex; gap: 8mm; }} .parties div {{ flex: 1; border: 1px solid
#d3dae3; padding: 3mm; }}
table {{ width: 100%; border-collapse: collapse; margin-top: 5mm; }}
th {{ background: #1d3557; color: white; text-align: left; padding: 4pt; }}
td {{ padding: 4pt; border-bottom: 0.4pt solid #d3dae3; }} .n {{ text-align: right; }}
</style></head><body>
<h1>FACTURE</h1><p style="text-align:right">N° {e(doc.number)} du
{fmt.date(doc.issue_date)}</p>
<div class=parties><div><b>{e(seller["company_name"])}</b><br>{e(seller["address"])}
<br>{e(seller["postcode"])} {e(seller["city"])}<br>SIRET {e(seller["siret"])}<br>
TVA {e(seller["vat_number"])}</div><div><b>{e(buyer["company_name"])}</b><br>
{e(buyer["address"])}<br>{e(buyer["postcode"])} {e(buyer["city"])}<br>
TVA {e(buyer["vat_number"])}</div></div>
<table><tr><th>Désignation</th><th>Qté</th><th>PU HT</th><th>TVA</th>
<th>Montant HT</th></tr>{lines}</table>
<table><tr><th>Taux</th><th>Base HT</th><th>TVA</th><th>TTC</th></tr>{vat}</table>
<p class=n>Total HT {fmt.money(doc.excl)}<br>Total TVA {fmt.money(doc.vat)}<br>
<b>Total TTC {fmt.money(doc.incl)}</b><br><b>Net à payer {fmt.money(doc.due)}</b></p>
<p>Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement :
40 €</p></body></html>"""


def bench_weasyprint(args: argparse.Namespace) -> None:
    """The same invoice from an HTML template with WeasyPrint, PDF/A-3B + XML."""
    from weasyprint import HTML, Attachment

    snapshot = sample_snapshot()
    xml = facturx.build_cii_xml(snapshot)

    def weasy() -> bytes:
        page = invoice_html(snapshot)  # the template fill is part of the cost
        return HTML(string=page).write_pdf(
            pdf_variant="pdf/a-3b",
            attachments=[
                Attachment(
                    string=xml.decode(),
                    name="factur-x.xml",
                    relationship="Alternative",
                )
            ],
        )

    runs = max(10, args.runs // 10)
    print(f"WeasyPrint (HTML template, PDF/A-3B, XML attached; {runs} runs)")
    median = report("warm", measure(weasy, runs, warmup=2))
    if "render" in args.results:
        ratio = median / args.results["render"]
        print(f"  {'ratio WeasyPrint / render_document()':<42} {ratio:7.1f} ×")


def bench_issue_and_render(args: argparse.Namespace) -> None:
    """Pay, issue and render n invoices in a row through the real services.

    A throw-away database (SQLite in a temporary folder, or the PostgreSQL of
    DATABASE_URL), test settings: tasks run in-process, so each payment's
    invoice is numbered, frozen, chained, rendered and stored before the next.
    """
    import tempfile

    tmp = tempfile.mkdtemp(prefix="comptoir-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases

    settings.STORAGES["default"]["OPTIONS"]["location"] = f"{tmp}/media"
    if connection.vendor == "postgresql":
        # Never touch a real database: Django's test database beside it.
        setup_databases(verbosity=0, interactive=False)
    else:
        call_command("migrate", verbosity=0)
    from comptoir.invoicing.models import Invoice
    from tests import factories

    org = factories.organization("bench")
    park = factories.park(org, series="BN")
    group = factories.group(org)
    member = factories.client(park, groups=[group])
    products = factories.products(park)
    items = factories.basket(products, ("ticket", 2), ("snack", 1), ("socks", 3))
    n = args.invoices
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        factories.paid_online_sale(park, member, items)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    rendered = Invoice.objects.filter(pdf_sha256__gt="").count()
    print(f"issue and render {n} invoices in a row ({connection.vendor})")
    print(
        f"  {'total':<42} {wall:7.2f} s   {1000 * wall / n:6.2f} ms/invoice"
        f"   cpu {1000 * cpu / n:6.2f} ms/invoice"
    )
    print(f"  {'documents rendered and stored':<42} {rendered:7d}")
    call_command("verify_invoices", verbosity=0)
    print(f"  {'verify_invoices':<42}      ok")


SECTIONS: list[Callable[[argparse.Namespace], None]] = [
    bench_render_facturx,
    bench_stages,
    bench_tickets_pdf,
    bench_weasyprint,
    bench_issue_and_render,
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed calls each")
    parser.add_argument(
        "--invoices", type=int, default=1000, help="issued and rendered in a row"
    )
    parser.add_argument(
        "--only",
        nargs="*",
        default=[],
        help="sections whose name contains one of these (render, stages, "
        "tickets, weasyprint, issue); all by default",
    )
    args = parser.parse_args()
    args.results = {}
    try:
        import _rl_accel  # noqa: F401

        accel = "with rl_accel (C)"
    except ImportError:
        accel = "without rl_accel: ReportLab's pure-Python helpers"
    print(f"Python {sys.version.split()[0]}, ReportLab {accel}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; ms")
    for section in SECTIONS:
        if args.only and not any(word in section.__name__ for word in args.only):
            continue
        section(args)
        print()


if __name__ == "__main__":
    main()
