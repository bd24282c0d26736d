"""Printable PDFs of a meeting, drawn with reportlab: the sign-in sheet (feuille
d'émargement) and the name badges.

Text uses DejaVu Sans when the system has it (Debian's fonts-dejavu-core), which covers
every French character (œ, ’, « ») and embeds the font; otherwise reportlab's Helvetica
(Latin-1 only: œ and typographic quotes would be lost).
"""

import io
from pathlib import Path

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from .duplicates import name_sort_key
from .enums import RegistrationStatus

FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
]
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip

_fonts = None


def fonts():
    """(regular, bold) font names, registering DejaVu Sans once if it is installed."""
    global _fonts
    if _fonts is None:
        _fonts = ("Helvetica", "Helvetica-Bold")
        for directory in FONT_DIRS:
            regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
            if regular.exists() and bold.exists():
                pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
                pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
                _fonts = ("DejaVuSans", "DejaVuSans-Bold")
                break
    return _fonts


def french_date(value):
    value = timezone.localtime(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def meeting_when_where(meeting):
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    when = f"{french_date(starts)}, {starts:%H:%M}–{ends:%H:%M}"
    if starts.date() != ends.date():
        when = f"du {french_date(starts)} au {french_date(ends)}"
    where = f"{meeting.venue_name}, {meeting.venue_address}, {meeting.venue_postal_code} "
    return when, where + meeting.venue_city


def confirmed_by_name(registrations):
    """Confirmed people in alphabetical order (accents ignored, as a reader expects)."""
    return sorted(registrations.filter(status=RegistrationStatus.CONFIRMED), key=name_sort_key)


class _NumberedCanvas(pdf_canvas.Canvas):
    """Writes « Page n / total » once the total is known (pages are kept until save)."""

    def __init__(self, *args, footer="", **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_pages = []
        self._footer = footer

    def showPage(self):
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        regular, _ = fonts()
        for state in self._saved_pages:
            self.__dict__.update(state)
            self.setFont(regular, 8)
            self.setFillColor(colors.grey)
            self.drawString(15 * mm, 10 * mm, self._footer)
            self.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Page {self._pageNumber} / {total}")
            super().showPage()
        super().save()


def sign_in_sheet(meeting, registrations):
    """The feuille d'émargement: confirmed people sorted by last name, an empty signature
    column; the meeting's title, date and venue and the table header on every page."""
    regular, bold = fonts()
    buffer = io.BytesIO()
    when, where = meeting_when_where(meeting)
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Feuille d'émargement — {meeting.title}",
        author=meeting.organiser.name,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=38 * mm,
        bottomMargin=18 * mm,
    )
    cell = ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11)
    head = ParagraphStyle("head", fontName=bold, fontSize=9, leading=11)
    rows = [
        [
            Paragraph("N°", head),
            Paragraph("Nom", head),
            Paragraph("Prénom", head),
            Paragraph("Structure", head),
            Paragraph("Signature", head),
        ]
    ]
    people = confirmed_by_name(registrations)
    for number, r in enumerate(people, start=1):
        rows.append(
            [
                Paragraph(str(number), cell),
                Paragraph(_escape(r.last_name.upper()), cell),
                Paragraph(_escape(r.first_name), cell),
                Paragraph(_escape(r.organisation_name), cell),
                "",
            ]
        )
    widths = [10 * mm, 38 * mm, 30 * mm, 62 * mm, 40 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                # Room to sign: rows grow with a long organisation name, never below ~11 mm.
                ("TOPPADDING", (0, 1), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e3fd")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )

    def header(canvas, doc):
        canvas.saveState()
        top = A4[1] - 15 * mm
        canvas.setFont(bold, 14)
        canvas.drawString(15 * mm, top, "Feuille d'émargement")
        canvas.setFont(bold, 11)
        canvas.drawString(15 * mm, top - 7 * mm, _fit(meeting.title, bold, 11, A4[0] - 30 * mm))
        canvas.setFont(regular, 9)
        canvas.drawString(15 * mm, top - 13 * mm, when)
        canvas.drawString(15 * mm, top - 18 * mm, _fit(where, regular, 9, A4[0] - 30 * mm))
        canvas.restoreState()

    footer = f"{meeting.organiser.name} — {len(people)} personne{'s' if len(people) > 1 else ''}"
    story = [table] if people else [Paragraph("Aucune inscription confirmée.", cell)]
    document.build(
        story,
        onFirstPage=header,
        onLaterPages=header,
        canvasmaker=lambda *args, **kwargs: _NumberedCanvas(*args, footer=footer, **kwargs),
    )
    return buffer.getvalue()


# Badges: 2 columns x 5 rows of 90 x 54 mm (business-card size) on A4, with cutting marks.
BADGE_WIDTH, BADGE_HEIGHT = 90 * mm, 54 * mm
BADGE_COLUMNS, BADGE_ROWS = 2, 5


def badges(meeting, registrations):
    """A4 sheets of name badges: name, organisation, meeting title."""
    regular, bold = fonts()
    buffer = io.BytesIO()
    canvas = pdf_canvas.Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"Badges — {meeting.title}")
    canvas.setAuthor(meeting.organiser.name)
    margin_x = (A4[0] - BADGE_COLUMNS * BADGE_WIDTH) / 2
    margin_y = (A4[1] - BADGE_ROWS * BADGE_HEIGHT) / 2
    per_page = BADGE_COLUMNS * BADGE_ROWS
    people = confirmed_by_name(registrations)
    for index, r in enumerate(people):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        column, row = slot % BADGE_COLUMNS, slot // BADGE_COLUMNS
        x = margin_x + column * BADGE_WIDTH
        y = A4[1] - margin_y - (row + 1) * BADGE_HEIGHT
        canvas.setStrokeColor(colors.lightgrey)
        canvas.setLineWidth(0.5)
        canvas.rect(x, y, BADGE_WIDTH, BADGE_HEIGHT)
        inner = BADGE_WIDTH - 10 * mm
        centre = x + BADGE_WIDTH / 2
        canvas.setFillColor(colors.HexColor("#000091"))
        canvas.rect(x, y + BADGE_HEIGHT - 9 * mm, BADGE_WIDTH, 9 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(regular, 8)
        canvas.drawCentredString(
            centre, y + BADGE_HEIGHT - 6 * mm, _fit(meeting.title, regular, 8, inner)
        )
        canvas.setFillColor(colors.black)
        name = f"{r.first_name} {r.last_name}"
        size = _size_to_fit(name, bold, 18, 11, inner)
        canvas.setFont(bold, size)
        canvas.drawCentredString(centre, y + 26 * mm, _fit(name, bold, size, inner))
        canvas.setFont(regular, 11)
        canvas.drawCentredString(centre, y + 18 * mm, _fit(r.organisation_name, regular, 11, inner))
        if r.function:
            canvas.setFont(regular, 9)
            canvas.setFillColor(colors.HexColor("#3a3a3a"))
            canvas.drawCentredString(centre, y + 12 * mm, _fit(r.function, regular, 9, inner))
            canvas.setFillColor(colors.black)
    if not people:
        canvas.setFont(regular, 11)
        canvas.drawString(20 * mm, A4[1] - 30 * mm, "Aucune inscription confirmée.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _escape(text):
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _size_to_fit(text, font, largest, smallest, width):
    size = largest
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _fit(text, font, size, width):
    """``text`` cut with an ellipsis so that it fits in ``width``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
