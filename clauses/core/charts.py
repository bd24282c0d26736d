"""Server-side SVG charts (no JavaScript library): the site's one bar chart and time series.

``bar_chart()`` draws a breakdown as horizontal bars (the survey's results, the
observatory's breakdowns); ``time_series()`` draws a value per year as vertical bars on a
labelled axis. Each returns a dataclass whose geometry is already computed, as SVG text
(templates would localise floats to « 1,5 »); ``includes/bar_chart.html`` and
``includes/time_series.html`` draw it (context: ``chart``), followed by the table of the same
figures unless the chart was built with ``table=False`` (for a page that shows its own).

The drawing is sized in viewBox units, narrow on purpose (``VIEW_WIDTH``), and CSS makes it
100 % of its column: it never overflows, and its text stays legible at 320 px. Labels too
long for the width wrap on two lines, then are cut with « … »; the ``<title>`` of each bar
keeps the full text. Numbers are French (``clauses.procurement.calculator``).
"""

import math
import textwrap
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils.text import slugify

from clauses.procurement.calculator import format_number, format_percent

VIEW_WIDTH = 360
FONT_SIZE, LINE_HEIGHT, CHAR_WIDTH = 13, 16, 7.2  # CHAR_WIDTH: a wide average, in units
LABEL_CHARS = int(VIEW_WIDTH / CHAR_WIDTH) - 2
MAX_LINES = 2
BAR_HEIGHT, BAR_GAP = 14, 10
BAR_FILL = "#000091"  # DSFR blue-france sun 113
AXIS_FONT_SIZE, AXIS_CHAR_WIDTH = 11, 6.4
SERIES_HEIGHT, SERIES_TOP, SERIES_BOTTOM = 220, 26, 22
YEAR_SLOT = 34  # room a year's label needs under the axis
NO_DATA_LABEL = "pas de donnée"


def number_text(value):
    """A French number, with one decimal when the value is not whole (« 1 234 », « 12,5 »)."""
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return format_number(value, 0 if value == value.to_integral_value() else 1)


def _n(number):
    return f"{number:.1f}".removesuffix(".0")


def wrap_label(text, chars=LABEL_CHARS, lines=MAX_LINES):
    """``text`` on at most ``lines`` lines of ``chars`` characters, the last cut with « … »."""
    wrapped = textwrap.wrap(text, chars) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: chars - 1].rstrip() + "…"
    return wrapped


def _ratio(value, scale):
    """``value`` over ``scale`` between 0 and 1; a zero or missing scale draws nothing."""
    if not value or not scale or scale <= 0:
        return 0.0
    return min(max(float(value) / float(scale), 0.0), 1.0)


# Horizontal bars ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    x: str
    y: str
    text: str


@dataclass(frozen=True)
class Bar:
    label: str
    value_label: str
    share_label: str  # « 12 % », or "" without a share
    title: str  # the full label and its figures, as the bar's tooltip
    lines: tuple  # Text: the label, wrapped
    x: str
    y: str
    width: str
    height: str
    figure: Text  # « 12 (30 %) » at the end of the bar


@dataclass(frozen=True)
class BarChart:
    title: str
    dom_id: str
    viewbox: str
    bars: tuple
    label_header: str
    value_header: str
    share_header: str  # "" when no row has a share
    table: bool
    fill: str = BAR_FILL


def _figure_text(row, format_value):
    value_label = row.get("value_label") or format_value(row["value"] or 0)
    share = row.get("share")
    share_label = format_percent(share) if share is not None else ""
    return value_label, share_label


def _bar(row, top, bar_room, scale, texts):
    value_label, share_label = texts
    figure = f"{value_label} ({share_label})" if share_label else value_label
    lines = wrap_label(str(row["label"]))
    label_texts = tuple(
        Text("0", _n(top + FONT_SIZE + index * LINE_HEIGHT), line)
        for index, line in enumerate(lines)
    )
    bar_top = top + len(lines) * LINE_HEIGHT + 4
    width = bar_room * _ratio(row["value"], scale)
    return Bar(
        label=str(row["label"]),
        value_label=value_label,
        share_label=share_label,
        title=f"{row['label']} : {figure}",
        lines=label_texts,
        x="0",
        y=_n(bar_top),
        width=_n(width),
        height=str(BAR_HEIGHT),
        figure=Text(_n(width + 4), _n(bar_top + BAR_HEIGHT - 3), figure),
    ), bar_top + BAR_HEIGHT + BAR_GAP


def bar_chart(
    rows,
    *,
    title,
    label_header="Libellé",
    value_header="Valeur",
    share_header="Part",
    max_value=None,
    format_value=None,
    table=True,
    dom_id="",
):
    """Horizontal bars for a breakdown, one per row, in the given order.

    ``rows``: mappings with ``label``, ``value`` (a number ≥ 0, None counts as 0) and
    optionally ``value_label`` (the value as written; else ``format_value(value)``, a French
    number by default) and ``share`` (0-1, written « 12 % » after the value). Bar lengths
    are ``value / max_value`` (default: the largest value; all zero draws no bar).
    ``title`` names the SVG and the table's caption; ``dom_id`` prefixes the SVG's ids
    (default from the title: set it when two charts of a page share a title).
    """
    rows = list(rows)
    format_value = format_value or number_text
    texts = [_figure_text(row, format_value) for row in rows]
    longest = max((len(v) + len(s) + 3 for v, s in texts), default=0)
    bar_room = VIEW_WIDTH - min(longest * CHAR_WIDTH + 8, VIEW_WIDTH / 2)
    scale = max_value if max_value is not None else max((r["value"] or 0 for r in rows), default=0)
    bars, top = [], 0
    for row, row_texts in zip(rows, texts, strict=True):
        bar, top = _bar(row, top, bar_room, scale, row_texts)
        bars.append(bar)
    return BarChart(
        title=title,
        dom_id=dom_id or f"graphique-{slugify(title)}",
        viewbox=f"0 0 {VIEW_WIDTH} {max(round(top), 1)}",
        bars=tuple(bars),
        label_header=label_header,
        value_header=value_header,
        share_header=share_header if any(s for _, s in texts) else "",
        table=table,
    )


# Time series -------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearBar:
    year: int
    value: object
    value_label: str
    title: str  # « 2024 : 1 234 heures »
    x: str
    y: str
    width: str
    height: str
    label: Text | None  # the year under the axis, or None when years are skipped


@dataclass(frozen=True)
class Tick:
    y: str
    label: Text


@dataclass(frozen=True)
class TimeSeries:
    title: str
    unit_label: str
    dom_id: str
    viewbox: str
    axis_left: str
    axis_right: str
    axis_y: str
    unit: Text  # the unit written above the axis
    ticks: tuple
    bars: tuple
    year_header: str
    table: bool
    fill: str = BAR_FILL


def nice_ticks(top, whole=False):
    """0 and round steps (1, 2, 2.5 or 5 × 10ⁿ) up to at least ``top``; [0] for nothing."""
    if not top or top <= 0:
        return [Decimal(0)]
    raw = Decimal(str(top)) / 4
    magnitude = Decimal(10) ** math.floor(math.log10(raw))
    step = next(
        m * magnitude for m in map(Decimal, ("1", "2", "2.5", "5", "10")) if m * magnitude >= raw
    )
    if whole:
        step = max(step.to_integral_value(rounding=ROUND_CEILING), Decimal(1))
    ticks = [Decimal(0)]
    while ticks[-1] < Decimal(str(top)):
        ticks.append(ticks[-1] + step)
    return ticks


def _axis(values, format_value):
    """(ticks, their labels, the scale's top, the left margin)."""
    known = [v for v in values if v is not None]
    whole = all(isinstance(v, int) or Decimal(str(v)) == int(v) for v in known)
    ticks = nice_ticks(max(known, default=0), whole=whole)
    labels = [format_value(t) for t in ticks]
    left = max(len(label) for label in labels) * AXIS_CHAR_WIDTH + 8
    return ticks, labels, float(ticks[-1]) or 1.0, left


def _year_bars(points, format_value, *, left, bottom, scale, unit_label):
    slot = (VIEW_WIDTH - left - 4) / max(len(points), 1)
    every = math.ceil(YEAR_SLOT / slot)
    width = min(slot * 0.7, 48)
    height_room = bottom - SERIES_TOP
    bars = []
    for index, (year, value) in enumerate(points):
        height = height_room * _ratio(value, scale)
        center = left + slot * (index + 0.5)
        label = format_value(value) if value is not None else NO_DATA_LABEL
        year_text = Text(_n(center), _n(bottom + 15), str(year)) if index % every == 0 else None
        bars.append(
            YearBar(
                year=year,
                value=value,
                value_label=label,
                title=f"{unit_label}, {year} : {label}" if unit_label else f"{year} : {label}",
                x=_n(center - width / 2),
                y=_n(bottom - height),
                width=_n(width),
                height=_n(height),
                label=year_text,
            )
        )
    return tuple(bars)


def time_series(
    points, *, title, unit_label, format_value=None, year_header="Année", table=True, dom_id=""
):
    """A value per year as vertical bars on a labelled axis, years in ascending order.

    ``points``: {year: value} or (year, value) pairs; a value is a number ≥ 0 or None (no
    bar, « pas de donnée » in the table). ``unit_label`` is written above the axis and heads
    the table's column (« Heures d'insertion »). ``format_value`` writes values and ticks
    (a French number by default; ``calculator.format_percent`` for shares 0-1).
    """
    points = sorted(dict(points).items())
    format_value = format_value or number_text
    ticks, labels, scale, left = _axis([v for _, v in points], format_value)
    bottom = SERIES_HEIGHT - SERIES_BOTTOM
    tick_marks = tuple(
        Tick(
            y=_n(y := bottom - (bottom - SERIES_TOP) * float(tick) / scale),
            label=Text(_n(left - 4), _n(y + 4), text),
        )
        for tick, text in zip(ticks, labels, strict=True)
    )
    return TimeSeries(
        title=title,
        unit_label=unit_label,
        dom_id=dom_id or f"serie-{slugify(title)}",
        viewbox=f"0 0 {VIEW_WIDTH} {SERIES_HEIGHT}",
        axis_left=_n(left),
        axis_right=str(VIEW_WIDTH - 2),
        axis_y=_n(bottom),
        unit=Text("0", "12", wrap_label(unit_label, int(VIEW_WIDTH / AXIS_CHAR_WIDTH), 1)[0]),
        ticks=tick_marks,
        bars=_year_bars(
            points, format_value, left=left, bottom=bottom, scale=scale, unit_label=unit_label
        ),
        year_header=year_header,
        table=table,
    )
