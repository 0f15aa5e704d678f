"""The Excel 台账 in and out: the column layout (`layout`), import as plan → values → writes with a
row-by-row preview (`imports`), and export of exactly the filtered view (`exports`)."""
