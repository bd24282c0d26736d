import xml.etree.ElementTree as ET
from decimal import Decimal

from django.template.loader import render_to_string

from clauses.core import charts
from clauses.procurement.calculator import format_percent

SVG = "{http://www.w3.org/2000/svg}"


def parse_svg(html):
    return ET.fromstring(html[html.index("<svg") : html.index("</svg>") + len("</svg>")])


def rows(*values):
    return [{"label": f"Ligne {i}", "value": v} for i, v in enumerate(values)]


# Horizontal bars ---------------------------------------------------------------------------


def test_bars_are_proportional_to_the_largest_value():
    chart = charts.bar_chart(rows(40, 10, 20), title="Répartition")

    widths = [float(bar.width) for bar in chart.bars]
    assert widths[0] == max(widths)
    assert widths[1] * 4 == widths[0] and widths[2] * 2 == widths[0]
    assert all(float(bar.figure.x) < charts.VIEW_WIDTH for bar in chart.bars)


def test_max_value_sets_the_full_bar():
    full = charts.bar_chart(rows(5, 10), title="Réponses", max_value=10)
    capped = charts.bar_chart(rows(20), title="Réponses", max_value=10)

    assert float(full.bars[0].width) * 2 == float(full.bars[1].width)
    assert capped.bars[0].width == full.bars[1].width


def test_zero_values_single_value_and_no_row_do_not_divide_by_zero():
    zeros = charts.bar_chart(rows(0, 0, None), title="Rien")
    single = charts.bar_chart(rows(7), title="Une ligne")
    empty = charts.bar_chart([], title="Vide", max_value=0)

    assert {bar.width for bar in zeros.bars} == {"0"}
    assert [bar.value_label for bar in zeros.bars] == ["0", "0", "0"]
    assert float(single.bars[0].width) > 0
    assert empty.bars == () and empty.viewbox == f"0 0 {charts.VIEW_WIDTH} 1"


def test_figures_are_french_with_their_share():
    chart = charts.bar_chart(
        [
            {"label": "SIAE", "value": 1234, "share": Decimal("0.625")},
            {"label": "GEIQ", "value": 2.5, "value_label": "2,5 h", "share": 0},
        ],
        title="Structures",
    )

    assert chart.bars[0].figure.text == "1\u00a0234 (62,5\u00a0%)"
    assert chart.bars[1].figure.text == "2,5 h (0\u00a0%)"
    assert chart.share_header == "Part"
    assert charts.bar_chart(rows(1), title="Sans part").share_header == ""


def test_long_labels_wrap_then_are_cut_and_the_title_keeps_them_whole():
    label = "Structure d'insertion par l'activité économique " * 4
    chart = charts.bar_chart([{"label": label, "value": 3}], title="Long")

    lines = [line.text for line in chart.bars[0].lines]
    assert len(lines) == charts.MAX_LINES
    assert lines[-1].endswith("…")
    assert all(len(line) <= charts.LABEL_CHARS for line in lines)
    assert chart.bars[0].title == f"{label} : 3"
    assert float(chart.bars[0].y) > float(lines and chart.bars[0].lines[-1].y)


def test_bar_chart_include_is_well_formed_and_scales_with_its_viewbox():
    chart = charts.bar_chart(
        [{"label": "Femmes & hommes <tous>", "value": 3, "share": Decimal("0.3")}],
        title="Public",
        label_header="Réponse",
        value_header="Nombre",
    )

    html = render_to_string("includes/bar_chart.html", {"chart": chart})

    svg = parse_svg(html)
    assert svg.get("viewBox") == chart.viewbox and svg.get("width") is None
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}g/{SVG}title").text == "Femmes & hommes <tous> : 3 (30\u00a0%)"
    assert '<th scope="col">Réponse</th>' in html
    assert "<td>30\u00a0%</td>" in html


def test_bar_chart_include_leaves_the_table_to_the_caller_when_asked():
    chart = charts.bar_chart(rows(1, 2), title="Sans tableau", table=False)

    html = render_to_string("includes/bar_chart.html", {"chart": chart})

    assert "<table>" not in html and "<svg" in html


# Time series -------------------------------------------------------------------------------


def test_series_sorts_years_and_scales_on_round_ticks():
    chart = charts.time_series(
        {2024: 3000, 2022: 1200, 2023: 0}, title="Heures", unit_label="Heures"
    )

    assert [bar.year for bar in chart.bars] == [2022, 2023, 2024]
    assert [tick.label.text for tick in chart.ticks] == [
        "0",
        "1\u00a0000",
        "2\u00a0000",
        "3\u00a0000",
    ]
    heights = [float(bar.height) for bar in chart.bars]
    assert heights[1] == 0 and abs(heights[0] * 2.5 - heights[2]) < 0.2
    assert chart.bars[2].title == "Heures, 2024 : 3\u00a0000"


def test_nice_ticks():
    assert charts.nice_ticks(0) == [0]
    assert charts.nice_ticks(3, whole=True) == [0, 1, 2, 3]
    assert charts.nice_ticks(2, whole=True) == [0, 1, 2]
    assert charts.nice_ticks(Decimal("0.37")) == [
        0,
        Decimal("0.1"),
        Decimal("0.2"),
        Decimal("0.3"),
        Decimal("0.4"),
    ]
    assert charts.nice_ticks(23456)[-1] == 30000


def test_series_of_zeros_or_a_single_value_does_not_divide_by_zero():
    zeros = charts.time_series({2023: 0, 2024: 0}, title="Rien", unit_label="Heures")
    single = charts.time_series([(2024, 12)], title="Une année", unit_label="Heures")
    empty = charts.time_series({}, title="Vide", unit_label="Heures")

    assert {bar.height for bar in zeros.bars} == {"0"}
    assert [tick.label.text for tick in zeros.ticks] == ["0"]
    assert float(single.bars[0].height) > 0
    assert float(single.bars[0].width) <= 48
    assert empty.bars == ()


def test_series_missing_years_and_shares():
    chart = charts.time_series(
        {2022: Decimal("0.1"), 2023: None, 2024: Decimal("0.25")},
        title="Part",
        unit_label="Part des heures",
        format_value=format_percent,
    )

    assert chart.bars[1].value_label == "pas de donnée" and chart.bars[1].height == "0"
    assert chart.ticks[-1].label.text == "30\u00a0%"


def test_many_years_skip_labels_so_they_do_not_overlap():
    chart = charts.time_series(
        {year: year - 2000 for year in range(2000, 2026)}, title="Long", unit_label="Heures"
    )

    labelled = [bar for bar in chart.bars if bar.label]
    assert 0 < len(labelled) < len(chart.bars)
    xs = [float(bar.label.x) for bar in labelled]
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= charts.YEAR_SLOT


def test_time_series_include_is_well_formed_with_its_table():
    chart = charts.time_series(
        {2023: 5, 2024: None}, title="Heures d'insertion", unit_label="Heures"
    )

    html = render_to_string("includes/time_series.html", {"chart": chart})

    svg = parse_svg(html)
    assert svg.get("role") == "img" and svg.get("width") is None
    assert len(svg.findall(f"{SVG}g/{SVG}rect")) == 2
    assert '<th scope="row">2024</th>' in html and "<td>pas de donnée</td>" in html
