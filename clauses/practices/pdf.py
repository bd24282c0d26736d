"""PDFs of the collection, drawn with reportlab: one sheet, and the compiled recueil
(cover, table of contents with page numbers, one sheet per page, sources).

Fonts come from the meetings' PDFs (DejaVu Sans when installed, Helvetica otherwise).
"""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from clauses.meetings.pdf import fonts, french_date

BLUE = colors.HexColor("#000091")
SECTIONS = [
    ("context", "Contexte"),
    ("actions", "Actions menées"),
    ("means", "Moyens mobilisés"),
    ("results", "Résultats"),
    ("success_factors", "Facteurs de réussite"),
    ("pitfalls", "Points de vigilance"),
]


def _styles():
    regular, bold = fonts()
    return {
        "cover": ParagraphStyle("cover", fontName=bold, fontSize=26, leading=32, textColor=BLUE),
        "subtitle": ParagraphStyle("subtitle", fontName=regular, fontSize=13, leading=18),
        "title": ParagraphStyle(
            "title", fontName=bold, fontSize=17, leading=21, textColor=BLUE, spaceAfter=4
        ),
        "meta": ParagraphStyle(
            "meta", fontName=regular, fontSize=8.5, leading=11, textColor=colors.grey
        ),
        "pitch": ParagraphStyle(
            "pitch", fontName=bold, fontSize=10, leading=13, spaceBefore=6, spaceAfter=6
        ),
        "heading": ParagraphStyle(
            "heading", fontName=bold, fontSize=10.5, leading=13, textColor=BLUE, spaceBefore=6
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9, leading=12),
        "toc1": ParagraphStyle("toc1", fontName=regular, fontSize=9.5, leading=13),
        "toc0": ParagraphStyle("toc0", fontName=bold, fontSize=11, leading=16, spaceBefore=6),
    }


def _text(value):
    return escape(value or "").replace("\n", "<br/>")


def _sheet_flowables(practice, styles, *, heading_style="title"):
    """The flowables of one sheet (the recueil marks its title for the TOC)."""
    out = [Paragraph(_text(practice.title), styles[heading_style])]
    meta = [practice.territory_label]
    if practice.year:
        meta.append(str(practice.year))
    if practice.lead_structure_id:
        meta.append(f"Porteur : {practice.lead_structure}")
    out.append(Paragraph(_text(" · ".join(meta)), styles["meta"]))
    labels = practice.theme_labels()
    if labels:
        out.append(Paragraph(_text("Thèmes : " + ", ".join(labels)), styles["meta"]))
    publics = practice.public_labels()
    if publics:
        out.append(Paragraph(_text("Publics : " + ", ".join(publics)), styles["meta"]))
    if practice.pitch:
        out.append(Paragraph(_text(practice.pitch), styles["pitch"]))
    for field, label in SECTIONS:
        value = getattr(practice, field)
        if value:
            out += [Paragraph(label, styles["heading"]), Paragraph(_text(value), styles["body"])]
        if field == "results":
            figures = list(practice.figures.all())
            if figures:
                rows = [
                    [Paragraph(_text(f.label), styles["body"]), f.display_value] for f in figures
                ]
                table = Table(rows, colWidths=[120 * mm, 50 * mm])
                table.setStyle(
                    TableStyle(
                        [
                            ("FONT", (0, 0), (-1, -1), fonts()[1], 9),
                            ("GRID", (0, 0), (-1, -1), 0.3, colors.lightgrey),
                            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ]
                    )
                )
                out += [Spacer(1, 3), table]
    partners = list(practice.partners.all())
    if partners:
        out.append(Paragraph("Partenaires", styles["heading"]))
        lines = [f"{p.name} ({p.get_family_display()})" for p in partners]
        out.append(Paragraph(_text("\n".join(lines)), styles["body"]))
    meetings = list(practice.meetings.all())
    if meetings:
        out.append(Paragraph("Présentée lors de", styles["heading"]))
        out.append(Paragraph(_text("\n".join(str(m) for m in meetings)), styles["body"]))
    contact = practice.public_contact
    if contact:
        out.append(Paragraph("Contact", styles["heading"]))
        out.append(Paragraph(_text(" — ".join(v for v in contact if v)), styles["body"]))
    url = settings.SITE_URL + practice.get_absolute_url()
    out.append(Spacer(1, 6))
    out.append(Paragraph(_text(f"Fiche en ligne : {url}"), styles["meta"]))
    return out


def _footer(label):
    def draw(canvas, document):
        regular, _ = fonts()
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, label)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    return draw


class _Document(BaseDocTemplate):
    """Sends the recueil's sheet titles to the table of contents."""

    def __init__(self, buffer, *, footer, **kwargs):
        super().__init__(buffer, pagesize=A4, **kwargs)
        frame = Frame(18 * mm, 16 * mm, A4[0] - 36 * mm, A4[1] - 32 * mm, id="main")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_footer(footer))])
        self.progress = None
        self.total = 0
        self.done = 0

    def beforeDocument(self):
        self.done = 0  # multiBuild lays the story out more than once

    def afterFlowable(self, flowable):
        name = getattr(flowable, "style", None) and flowable.style.name
        if name == "toc_entry":
            self.notify("TOCEntry", (1, flowable.getPlainText(), self.page))
            self.done += 1
            if self.progress and self.total:
                self.progress(min(self.done, self.total), self.total)


def sheet_pdf(practice):
    buffer = io.BytesIO()
    document = _Document(
        buffer,
        footer="Recueil national des bonnes pratiques de la clause sociale",
        title=practice.title,
        author="Tour de France de la clause sociale",
    )
    document.build(_sheet_flowables(practice, _styles()))
    return buffer.getvalue()


def recueil_pdf(practices, *, selection="", progress=None):
    """The compiled recueil of ``practices`` (an iterable of sheets, in order).
    ``progress(done, total)`` is called as sheets are laid out (on the last pass)."""
    practices = list(practices)
    styles = _styles()
    entry_style = ParagraphStyle("toc_entry", parent=styles["title"])
    buffer = io.BytesIO()
    document = _Document(
        buffer,
        footer="Recueil national des bonnes pratiques de la clause sociale",
        title="Recueil des bonnes pratiques de la clause sociale",
        author="Tour de France de la clause sociale",
    )
    toc = TableOfContents()
    toc.levelStyles = [styles["toc0"], styles["toc1"]]
    story = [
        Spacer(1, 60 * mm),
        Paragraph("Recueil des bonnes pratiques", styles["cover"]),
        Paragraph("d'animation de la clause sociale d'insertion", styles["subtitle"]),
        Spacer(1, 10 * mm),
        Paragraph(
            _text(f"{len(practices)} fiches" + (f" — {selection}" if selection else "")),
            styles["subtitle"],
        ),
        Paragraph(_text(f"Édition du {french_date(timezone.now())}"), styles["subtitle"]),
        PageBreak(),
        Paragraph("Sommaire", styles["title"]),
        toc,
    ]
    for practice in practices:
        story.append(PageBreak())
        story += _sheet_flowables(
            practice, {**styles, "toc_entry": entry_style}, heading_style="toc_entry"
        )
    story += [PageBreak(), Paragraph("Sources", styles["title"])]
    story.append(
        Paragraph(
            _text(
                "Les fiches de ce recueil sont publiées sur la plateforme de la clause sociale "
                f"({settings.SITE_URL}/pratiques/). Elles proviennent des réponses à l'enquête "
                "nationale « Les bonnes pratiques d'animation de la clause sociale dans les "
                "QPV », publiées avec l'accord des répondants, et des pratiques présentées lors "
                "des rencontres régionales du Tour de France de la clause sociale. Chiffres "
                "nationaux : Observatoire de la clause sociale (Alliance Villes Emploi)."
            ),
            styles["body"],
        )
    )
    for practice in practices:
        origin = []
        if practice.source_response_id:
            origin.append("enquête nationale")
        origin += [str(m) for m in practice.meetings.all()]
        line = f"{practice.title} — {', '.join(origin) or 'contribution directe'}"
        story.append(Paragraph(_text(line), styles["meta"]))

    document.total = len(practices)
    document.progress = progress
    document.multiBuild(story)
    return buffer.getvalue()
