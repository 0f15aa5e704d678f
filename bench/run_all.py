#!/usr/bin/env python3
"""`make bench`: run every benchmark script in bench/ (found, not listed), one after another.

Each script measures its own floor in the same run and prints its ratios; this runner only
starts them with their defaults, shows their output as it comes, and exits non-zero if any of
them did. `--only WORD` runs the scripts whose file name contains WORD; extra arguments after
`--` go to every script.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts(only: str | None) -> list[Path]:
    """bench/*.py except this runner and private helpers (_name.py), sorted by name."""
    found = sorted(p for p in HERE.glob("*.py") if p.name != Path(__file__).name
                   and not p.name.startswith("_"))
    return [p for p in found if only is None or only in p.name]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only scripts whose name contains this")
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="-- arguments for every script")
    args = parser.parse_args()
    extra = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    results = []
    for script in scripts(args.only):
        print(f"\n##### {script.name}", flush=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(script), *extra], cwd=HERE.parent).returncode
        results.append((script.name, code, time.perf_counter() - started))
    print("\n##### summary")
    for name, code, seconds in results:
        print(f"{name:<28} {'ok' if code == 0 else f'FAILED (exit {code})':<18} {seconds:7.0f} s")
    return 0 if results and all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
