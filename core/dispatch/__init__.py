"""季调度 (quarterly dispatch) of daily inspection: rounds, the units' reports on them, their
frozen snapshots, the year's figures, and 反弹 (items reopened after closing) counted per district."""
