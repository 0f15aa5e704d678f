"""总览, the leader's landing page: headline with week change, trend, per-district bars."""

TEXTS: dict[str, tuple[str, str]] = {
}
