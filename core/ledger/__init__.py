"""The ledger of rectification items and their whole loop: items and their form, the lifecycle's moves,
deadlines, extensions, evidence, timeline, the 台账 query, 我的待办, statistics and the 久拖不决 rules."""
