"""Numbers the Chinese way for screens: 万/亿 for large counts, percentages with one decimal.

Pure functions (no database, no Streamlit); unit words come from the catalogue so English
screens read "12,345", "+1.2 pp" and "35.0 days" instead.
"""

from __future__ import annotations

from core.i18n import translate

MINUS = "-"  # ASCII: st.metric reads a leading "-" as a fall (arrow and colour)
WAN, YI = 10_000, 100_000_000


def _trim(text: str) -> str:
    """'12.0' → '12', '1.50' → '1.5' (never trims the integer part)."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scaled(value: float, unit: int) -> str:
    """value/unit with three significant figures: 1.23, 12.3, 123 (4 digits from 1000 up)."""
    scaled = value / unit
    decimals = 2 if scaled < 10 else 1 if scaled < 100 else 0
    return _trim(f"{scaled:.{decimals}f}")


def format_count(n: int | float | None, lang: str = "zh") -> str:
    """A count for display: '9,876', '1.23万', '123万', '1.5亿' (zh, from 10,000 up; en keeps
    digit grouping: '12,345'); negative values keep their sign; None → '—'."""
    if n is None:
        return "—"
    sign, value = (MINUS if n < 0 else ""), abs(n)
    if lang != "en" and value >= YI:
        return f"{sign}{_scaled(value, YI)}亿"
    if lang != "en" and value >= WAN:
        return f"{sign}{_scaled(value, WAN)}万"
    return f"{sign}{value:,.0f}" if float(value).is_integer() else f"{sign}{value:,.1f}"


def format_percent(rate: float | None) -> str:
    """A rate in [0, 1] as a percentage with one decimal: 0.3333 → '33.3%'; None → '—'."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def format_signed_count(delta: int | None, lang: str = "zh") -> str:
    """A change in a count: '+12', '−3', '+1.2万', '0'; None → '—'."""
    if delta is None:
        return "—"
    if delta == 0:
        return "0"
    return ("+" if delta > 0 else "") + format_count(delta, lang)


def format_points(delta: float | None, lang: str = "zh") -> str:
    """A change in a rate (both 0–1) in percentage points, one decimal: '+1.2 个百分点'; None → '—'."""
    if delta is None:
        return "—"
    points = round(delta * 100, 1)
    sign = "+" if points > 0 else MINUS if points < 0 else ""
    return translate("fmt.points", lang, value=f"{sign}{abs(points):.1f}")


def format_days(days: float | None, lang: str = "zh") -> str:
    """A number of days with one decimal: '35.2 天' / '35.2 days'; None → '—'."""
    return "—" if days is None else translate("fmt.days", lang, value=f"{days:,.1f}")
