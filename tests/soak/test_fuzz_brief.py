"""The fuzzers of soak/fuzz.py, briefly, on SQLite and PostgreSQL: every input accepted and
round-tripping, or refused with a message; nothing raised, nothing half-written."""

from soak import fuzz


def test_fuzz_every_target_briefly(database_url):
    tally = fuzz.run(seconds=24, url=database_url)
    assert set(tally.tried) == {"deadline", "account form", "sign-in", "item form", "excel cells",
                                "excel bytes"}
    assert all(n >= 20 for n in tally.tried.values()), tally.tried
    assert tally.accepted["item form"] and tally.accepted["deadline"]   # the valid path is exercised
