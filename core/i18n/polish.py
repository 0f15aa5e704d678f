"""Streamlit's own widget text in both languages (uploader, placeholders, empty cells) and
admin-form messages."""

TEXTS: dict[str, tuple[str, str]] = {
}
