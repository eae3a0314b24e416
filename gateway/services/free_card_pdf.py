"""The printable free card (frikort) as a one-page A6 PDF, made with fpdf2. Its core fonts
speak Latin-1, which holds every Swedish letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fpdf import FPDF

from gateway.domain.identity import Identity

INK = (0, 60, 110)
A6_MM = (105, 148)


@dataclass(frozen=True)
class FreeCardText:
    region: str
    holder: Identity
    name: str | None
    number: str
    valid_from: date
    valid_to: date
    ceiling: float


def kronor(amount: float) -> str:
    """1450.0 -> '1 450 kr' (Swedish grouping)."""
    whole = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return whole.replace(",", " ").replace(".", ",") + " kr"


def identity_text(identity: Identity) -> str:
    return f"{identity.number[:8]}-{identity.number[8:]}"


def free_card_pdf(card: FreeCardText) -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format=A6_MM)
    pdf.set_title(f"Frikort {card.number}")
    pdf.set_author(card.region)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.w - 2 * pdf.l_margin
    pdf.set_fill_color(*INK)
    pdf.rect(0, 0, pdf.w, 22, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(pdf.l_margin, 5)
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(width, 7, "Frikort", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(width, 5, f"Högkostnadsskydd för öppen hälso- och sjukvård, {card.region}")
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(28)
    rows = [
        ("Namn", card.name or ""),
        ("Personnummer", identity_text(card.holder)),
        ("Frikortsnummer", card.number),
        ("Giltigt från", card.valid_from.isoformat()),
        ("Giltigt till och med", card.valid_to.isoformat()),
        ("Högkostnadstak", kronor(card.ceiling)),
    ]
    for label, value in rows:
        if not value:
            continue
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(42, 8, label)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(width - 42, 8, value, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.h - 14)
    pdf.set_font("Helvetica", "I", 7)
    pdf.multi_cell(
        width,
        3.5,
        "Frikortet gäller i hela landet för öppen hälso- och sjukvård till och med "
        "sista giltighetsdagen. Visa det tillsammans med legitimation.",
    )
    return bytes(pdf.output())
