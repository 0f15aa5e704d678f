"""The item page: evidence thumbnails and previews, the print view (一案一档), figures."""

TEXTS: dict[str, tuple[str, str]] = {
    "nav.item_print": ("打印（一案一档）", "Print (case file)"),
}
