"""Load, fault and fuzz runs, bounded in time (make soak; briefly in make test via tests/soak)."""
