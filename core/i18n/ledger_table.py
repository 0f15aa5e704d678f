"""台账 table: column choice, row tags, paging, batch 交办/催办/export of a selection."""

TEXTS: dict[str, tuple[str, str]] = {
}
