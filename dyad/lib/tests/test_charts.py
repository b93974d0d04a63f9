import re
import xml.etree.ElementTree as ET

import pytest

from dyad.lib.charts import Bar, Point, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_bar_chart_is_an_image_named_by_its_title_and_description():
    root = parse(
        bar_chart(chart_id="c1", title="Learners without a guide", bars=[Bar("Mentoring", 3)])
    )
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    assert root.find(f"{SVG}title").text == "Learners without a guide"
    assert root.find(f"{SVG}desc").text == "Mentoring: 3"


def test_bar_lengths_are_proportional_to_the_largest_value():
    root = parse(bar_chart(chart_id="c", title="t", bars=[Bar("a", 2), Bar("b", 4)]))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[1] == pytest.approx(2 * widths[0])


def test_bar_with_a_total_draws_its_track_and_says_value_of_total():
    svg = bar_chart(chart_id="c", title="Places", bars=[Bar("Coaching", 3, total=4)], unit="places")
    root = parse(svg)
    track, fill = root.iter(f"{SVG}rect")
    assert "chart-track" in track.get("class")
    assert float(fill.get("width")) == pytest.approx(0.75 * float(track.get("width")))
    assert root.find(f"{SVG}desc").text == "Coaching: 3 of 4 places"


def test_text_is_escaped():
    svg = bar_chart(chart_id="c", title="<script>", bars=[Bar("A & B", 1)])
    assert "<script>" not in svg
    parse(svg)  # well-formed


def test_empty_bar_chart_says_so():
    root = parse(bar_chart(chart_id="c", title="t", bars=[], empty="Nobody yet."))
    assert root.find(f"{SVG}desc").text == "Nobody yet."
    assert "Nobody yet." in ET.tostring(root, encoding="unicode")


def test_negative_values_are_refused():
    with pytest.raises(ValueError, match="negative"):
        bar_chart(chart_id="c", title="t", bars=[Bar("a", -1)])


def test_a_chart_without_a_title_is_refused():
    with pytest.raises(ValueError, match="title"):
        bar_chart(chart_id="c", title=" ", bars=[])


def test_line_chart_breaks_at_months_without_data():
    points = [
        Point("Jan", 50),
        Point("Feb", 60),
        Point("Mar", None),
        Point("Apr", 80),
        Point("May", 90),
    ]
    root = parse(line_chart(chart_id="l", title="Compliance", points=points))
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 4
    assert root.find(f"{SVG}desc").text.startswith("Jan: 50%; Feb: 60%; Mar: no data")


def test_line_chart_puts_the_maximum_at_the_top():
    root = parse(line_chart(chart_id="l", title="t", points=[Point("a", 0), Point("b", 100)]))
    low, high = (float(c.get("cy")) for c in root.iter(f"{SVG}circle"))
    assert high < low


def test_line_chart_refuses_values_out_of_range():
    with pytest.raises(ValueError, match="between 0 and 100"):
        line_chart(chart_id="l", title="t", points=[Point("a", 101)])


def test_line_chart_without_any_value_says_so():
    svg = line_chart(
        chart_id="l", title="t", points=[Point("a", None)], empty="Nothing to measure."
    )
    assert re.search(r"<desc[^>]*>Nothing to measure\.</desc>", svg)


def test_a_bar_of_one_says_its_unit_in_the_singular():
    from dyad.lib.charts import Bar, bar_chart

    svg = bar_chart(
        chart_id="c",
        title="Learners without a guide",
        bars=[Bar("Mentoring", 1), Bar("Coaching", 2)],
        unit="learners",
        unit_one="learner",
    )
    assert "Mentoring: 1 learner;" in svg and "Coaching: 2 learners" in svg
