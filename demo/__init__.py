"""Demo data for `make run` and the benchmarks: a deterministic, realistic ledger (items, progress,
interviews, referrals, complaints) at any size, written through the fast bulk path (`data.seed`)."""
