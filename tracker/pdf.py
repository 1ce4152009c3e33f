"""What every one-page printout shares (the self-check summary, the workload summary): the page,
its margins and metadata, text the core fonts can print, and shrinking the type to fit one page.
fpdf2 (~120 ms to import) loads only when a page is made."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

    from tracker.workspace import Workspace

# fpdf2's core fonts are latin-1: typographic punctuation becomes its plain equivalent.
_PLAIN = str.maketrans(
    {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-"}
)


def plain(text: str) -> str:
    """Text as the PDF's core fonts can print it."""
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def one_page(render: Callable[[float], tuple[bytes, int]]) -> bytes:
    """`render(scale)`'s PDF at the first type scale, a step smaller each time, that fits one
    page (every printout is one page)."""
    for scale in (1.0, 0.92, 0.85, 0.78, 0.7):
        data, pages = render(scale)
        if pages == 1:
            break
    return data


LETTER_COUNTRIES = ("US", "CA")  # where Letter paper is the norm among caughtup's countries


def page_format(page_size: str, country: str) -> str:
    """The paper to print on (fpdf2's name): the setting, or for "auto" the country's norm."""
    if page_size == "auto":
        return "Letter" if country.upper() in LETTER_COUNTRIES else "A4"
    return "Letter" if page_size == "letter" else "A4"


def paper_for(ws: Workspace) -> str:
    """The paper the user's printouts use (their `page_size` setting and country)."""
    return page_format(ws.settings.page_size, ws.settings.locale)


def new_pdf(title: str, created: datetime | None, paper: str = "A4") -> FPDF:
    """A printout's PDF with its first page added on `paper`: margins, title, creator, date."""
    from fpdf import FPDF  # fpdf2 costs ~120 ms to import: only when printing

    pdf = FPDF(format=paper)
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_title(plain(title))
    pdf.set_creator("caughtup")
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    return pdf


def text(
    pdf: FPDF, k: float, size: float, body: str, style: str = "", height: float = 1.45
) -> None:
    """A paragraph across the page in Helvetica at `size` points times the page's scale `k`."""
    from fpdf.enums import XPos, YPos

    pdf.set_font("Helvetica", style, size * k)
    pdf.multi_cell(
        pdf.epw, size * k * 0.3528 * height, plain(body), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def heading(pdf: FPDF, k: float, body: str) -> None:
    """A section's heading: a little room above and below, bold 11 points times `k`."""
    pdf.ln(2.2 * k)
    text(pdf, k, 11, body, "B")
    pdf.ln(0.6 * k)
