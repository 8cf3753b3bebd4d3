"""Bitstream Vera, the TTF shipped inside ReportLab, registered once per process.

PDF/A forbids unembedded fonts, so every piece of text, including the
canvas's initial font and table defaults, must use these embedded faces.

Each document embeds a subset of each face it uses: the glyphs of the
characters it prints, numbered in the order it first prints them. Seeded
with the same characters in the same order (`seed_codes`), documents that
print nothing beyond ASCII and the seed share one subset per face, whose
font file, widths and ToUnicode map are made once per process
(`_SubsetCachingFont`): the same bytes every time, as they are a pure
function of the subset's characters.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import reportlab
from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.pdfgen.canvas import Canvas

REGULAR = "ComptoirVera"
BOLD = "ComptoirVera-Bold"
ITALIC = "ComptoirVera-Italic"
BOLD_ITALIC = "ComptoirVera-BoldItalic"

_FONT_DIR = Path(reportlab.__file__).parent / "fonts"
_FILES = {
    REGULAR: "Vera.ttf",
    BOLD: "VeraBd.ttf",
    ITALIC: "VeraIt.ttf",
    BOLD_ITALIC: "VeraBI.ttf",
}

# The non-ASCII characters French documents print, given the same codes in
# every document (ReportLab puts ASCII at its own codes already). A name with
# another letter adds it after these: a subset of its own, cached as well.
SEED = "éèêëàâîïôûùüçÉÈÊÀÂÎÔÇ€°—–·…’«»œ"

# Distinct subsets kept per face: the seed alone, and the few extra letters
# of clients' names and addresses (at most ≈ 50 KB each, made and compressed).
SUBSETS_KEPT = 32


class _OnceFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate, compressing each distinct font file once per process."""

    @functools.lru_cache(maxsize=2 * SUBSETS_KEPT * len(_FILES))  # noqa: B019 - one instance, for the process
    def encode(self, text: bytes | str) -> bytes:
        return super().encode(text)


_ONCE_FLATE = _OnceFlate()


class _SubsetCachingFace(TTFontFace):
    """A face whose font-file subsets are made and compressed once each."""

    @functools.lru_cache(maxsize=SUBSETS_KEPT * len(_FILES))  # noqa: B019 - four faces, for the process
    def _subset(self, characters: tuple[int, ...]) -> bytes:
        return super().makeSubset(list(characters))

    def makeSubset(self, subset: Sequence[int]) -> bytes:  # noqa: N802 - ReportLab's name
        return self._subset(tuple(subset))

    def addSubsetObjects(
        self, doc: pdfdoc.PDFDocument, fontname: str, subset: Sequence[int]
    ) -> object:  # noqa: N802 - ReportLab's name
        reference = super().addSubsetObjects(doc, fontname, subset)
        if doc.compression:
            # The stream ReportLab just named for this subset's font file.
            stream = doc.idToObject.get(f"fontFile:{self.filename}({fontname})")
            if isinstance(stream, pdfdoc.PDFStream):
                stream.filters = [_ONCE_FLATE]
        return reference


class _Formatted(pdfdoc.PDFObject):
    """A PDF object formatted once, the same bytes in every document."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        return self.data


class _SubsetCachingFont(TTFont):
    """A font whose subsets' font files, glyph widths and ToUnicode maps
    are made, formatted or compressed once per distinct subset."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self.face = _SubsetCachingFace(filename)  # parsed again (≈ 1 ms, once)

    @functools.lru_cache(maxsize=SUBSETS_KEPT * len(_FILES))  # noqa: B019 - four fonts, for the process
    def _widths(self, subset: tuple[int, ...]) -> _Formatted:
        widths = pdfdoc.PDFArray([self.face.getCharWidth(code) for code in subset])
        return _Formatted(widths.format(None))

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:  # noqa: N802 - ReportLab's name
        subsets = [tuple(subset) for subset in self.state[doc].subsets]
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)  # forgets the subsets
        for name, subset in zip(names, subsets, strict=True):
            font = doc.idToObject[name]
            font.Widths = self._widths(subset)  # type: ignore[attr-defined]  # a PDFTrueTypeFont's; not in the stubs
            cmap = getattr(font, "ToUnicode", None)
            to_unicode = doc.idToObject.get(getattr(cmap, "name", ""))
            if doc.compression and isinstance(to_unicode, pdfdoc.PDFStream):
                to_unicode.filters = [_ONCE_FLATE]


@functools.cache
def register_fonts() -> None:
    """Parse the TTF files once; later documents reuse the parsed faces."""
    # Streams are Flate-compressed already; ASCII85 on top only makes them
    # bigger and costs ~2 ms a document in ReportLab's pure-Python encoder.
    rl_config.useA85 = 0
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(_SubsetCachingFont(name, str(_FONT_DIR / filename)))
    # Lets <b> and <i> inside Paragraph markup pick the embedded faces.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)


def seed_codes(canvas: Canvas) -> None:
    """Give SEED's characters their codes before anything is drawn, so the
    subsets of this document are those of the others (call it right after
    creating the canvas). A face the document never uses is not embedded."""
    register_fonts()
    for name in _FILES:
        pdfmetrics.getFont(name).splitString(SEED, canvas._doc)  # type: ignore[attr-defined]  # private, not in the stubs
