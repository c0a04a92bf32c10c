"""Benchmark: ``flask opendata export`` on a generated database, time and peak memory.

    python -m bench.opendata --scale oslo
    python -m bench.opendata --database instance/bench/oslo.sqlite3   # an existing one

Generates (unless --database is given) a migrated SQLite file at the scale with every
generator in bench/generate.py, then runs the real command in a child process and reads its
wall time and peak resident memory (wait4). Targets: under 60 s and under 500 MB at
--scale oslo. ``--synthetic-rows N`` runs the export once more with a synthetic table of N
rows added (bench/synthetic_opendata.py), to show that memory stays flat as tables grow.
Prints one JSON document to stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import SCALES, prepare

ROOT = Path(__file__).resolve().parent.parent
MAX_SECONDS = 60.0
MAX_RSS_MB = 500.0


def log(message: str) -> None:
    print(f"[opendata-bench] {message}", file=sys.stderr, flush=True)


def run_export(database: Path, out: Path, synthetic_rows: int = 0) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one export in a child process: the real command, or with
    ``synthetic_rows`` the same export with one large synthetic table added."""
    env = {**os.environ, "MEDVIRKE_ENV": "development", "DATABASE_URL": f"sqlite:///{database}",
           "HUEY_IMMEDIATE": "true", "OPENDATA_BENCH_ROWS": str(synthetic_rows)}  # fmt: skip
    if synthetic_rows:
        command = [sys.executable, "-m", "bench.synthetic_opendata", str(out)]
    else:
        command = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "opendata",
                   "export", str(out)]  # fmt: skip
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own command
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"export failed ({child.returncode}):\n{output}")
    return seconds, usage.ru_maxrss / 1024  # Linux: kilobytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="oslo")
    parser.add_argument("--database", type=Path, help="an already generated SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--synthetic-rows", type=int, default=0,
                        help="also export with a synthetic table of this many rows")  # fmt: skip
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="opendata-bench-") as tmp:
        database = args.database or Path(tmp) / f"{args.scale}.sqlite3"
        generated: dict[str, int] = {}
        if args.database is None:
            log(f"generating {args.scale} in {database}")
            started = time.perf_counter()
            generated = prepare(f"sqlite:///{database}", SCALES[args.scale], args.seed)
            log(f"generated in {time.perf_counter() - started:.1f} s")
        out = Path(tmp) / "export"
        log("exporting")
        seconds, rss_mb = run_export(database.resolve(), out)
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        result = {
            "scale": None if args.database else args.scale,
            "seconds": round(seconds, 2),
            "peak_rss_mb": round(rss_mb, 1),
            "max_seconds": MAX_SECONDS,
            "max_rss_mb": MAX_RSS_MB,
            "meets_target": seconds < MAX_SECONDS and rss_mb < MAX_RSS_MB,
            "database_bytes": manifest["database_bytes"],
            "tables": {t["name"]: t["rows"] for t in manifest["tables"]},
            "generated": generated,
        }
        if args.synthetic_rows:
            log(f"exporting again with {args.synthetic_rows} synthetic rows")
            big_s, big_mb = run_export(database.resolve(), Path(tmp) / "big", args.synthetic_rows)
            result["synthetic"] = {"rows": args.synthetic_rows, "seconds": round(big_s, 2),
                                   "peak_rss_mb": round(big_mb, 1)}  # fmt: skip
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
