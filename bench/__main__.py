"""Run the benchmarks: `python -m bench` (all, in order) or `python -m bench NAME ...`."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from typing import Any, Protocol, cast

from bench import BENCHMARKS


class Benchmark(Protocol):
    TITLE: str

    def run(self) -> dict[str, Any]: ...

    def report(self, results: dict[str, Any]) -> None: ...


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    if args.list:
        for name in BENCHMARKS:
            print(f"{name:16} {_load(name).TITLE}")
        return 0
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")

    for name in args.names or BENCHMARKS:
        benchmark = _load(name)
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results = benchmark.run()
        benchmark.report(results)
        print(f"({name} took {time.perf_counter() - started:.1f} s)\n", flush=True)
    # Always 0: the output is a report, and a missed goal is printed as FAIL, not raised,
    # so `make bench` shows every benchmark's figures even when one misses its goal.
    return 0


def _load(name: str) -> Benchmark:
    return cast(Benchmark, importlib.import_module(f"bench.{name}"))


if __name__ == "__main__":
    sys.exit(main())
