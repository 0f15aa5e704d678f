"""Numbers the Chinese way: 万/亿, one-decimal percentages, signed changes, days."""

import pytest

from core.formatting import format_count, format_days, format_percent, format_points, format_signed_count


@pytest.mark.parametrize("n, zh, en", [
    (0, "0", "0"),
    (7, "7", "7"),
    (9_999, "9,999", "9,999"),
    (10_000, "1万", "10,000"),
    (12_345, "1.23万", "12,345"),
    (15_545, "1.55万", "15,545"),
    (123_456, "12.3万", "123,456"),
    (1_000_000, "100万", "1,000,000"),
    (1_234_567, "123万", "1,234,567"),
    (99_990_000, "9999万", "99,990,000"),
    (150_000_000, "1.5亿", "150,000,000"),
    (-12_345, "-1.23万", "-12,345"),
    (-3, "-3", "-3"),
    (2.5, "2.5", "2.5"),
])
def test_counts_use_wan_from_ten_thousand_in_chinese_only(n, zh, en):
    assert format_count(n) == zh
    assert format_count(n, "en") == en


def test_missing_values_show_a_dash():
    assert format_count(None) == format_percent(None) == format_points(None) == "—"
    assert format_signed_count(None) == format_days(None) == "—"


@pytest.mark.parametrize("rate, text", [
    (0, "0.0%"), (1, "100.0%"), (1 / 3, "33.3%"), (2 / 3, "66.7%"), (0.77725, "77.7%"),
    (0.00049, "0.0%"), (0.0005, "0.1%"),
])
def test_percent_has_one_decimal(rate, text):
    assert format_percent(rate) == text


@pytest.mark.parametrize("delta, zh", [(12, "+12"), (-3, "-3"), (0, "0"), (23_456, "+2.35万"),
                                       (-10_000, "-1万")])
def test_signed_counts_lead_with_an_ascii_sign(delta, zh):
    # st.metric reads a leading ASCII "-" as a fall; a typographic minus would show a rise
    assert format_signed_count(delta) == zh


@pytest.mark.parametrize("delta, zh, en", [
    (0.0123, "+1.2 个百分点", "+1.2 pp"), (-0.004, "-0.4 个百分点", "-0.4 pp"),
    (0.0, "0.0 个百分点", "0.0 pp"), (-0.0004, "0.0 个百分点", "0.0 pp"),
])
def test_rate_changes_are_percentage_points(delta, zh, en):
    assert format_points(delta) == zh
    assert format_points(delta, "en") == en


def test_days_have_one_decimal_and_a_unit():
    assert format_days(423.89179) == "423.9 天"
    assert format_days(1234.0, "en") == "1,234.0 days"
