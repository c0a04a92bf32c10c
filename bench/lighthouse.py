"""Lighthouse over the public pages of a running Medvirke, as a table.

    make run                      # in one terminal: the seeded Røros demo on port 5000
    make lighthouse               # in another (URL=http://host:port for another server)
    python -m bench.lighthouse --base-url http://127.0.0.1:5000 --json out.json

Lighthouse (npm `lighthouse`, installed by `make lighthouse` into .lighthouse/, not by
`make setup`: it is big and only this uses it) drives Chromium (/usr/bin/chromium, or
CHROME_PATH) in its default mobile emulation with simulated slow 4G, one page at a time.
Prints one row per page with the four category scores (0-100) and the largest contentful
paint, then, for each page, the audits that failed outside performance. The exit code is 1
when a score is below --minimum (default 0: report only), 2 when Lighthouse itself failed.
Slow: ~20 s a page on a shared machine; not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
#: The demo's public pages (ids and slugs that `flask demo seed` creates)
PAGES = [
    "/",
    "/proposals/",
    "/proposals/1",
    "/panel/",
    "/declarations/",
    "/declarations/byggesak",
    "/moments/",
    "/moments/nominate",
    "/compass/",
    "/compass/areas/1",
    "/opendata/",
    "/accessibility",
    "/privacy",
    "/auth/login",
    "/auth/register",
]
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def run_lighthouse(url: str, lighthouse: Path, chrome: str) -> dict[str, Any]:
    """Lighthouse's report (its JSON) for one page."""
    command = [
        str(lighthouse),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    env = {**os.environ, "CHROME_PATH": chrome}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)  # noqa: S603
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """The scores (0-100), LCP in seconds and the failed non-performance audits."""
    categories = report["categories"]
    scores = {
        key: None if categories[key]["score"] is None else round(categories[key]["score"] * 100)
        for key in CATEGORIES
    }
    audits = report["audits"]
    failed = sorted(
        {
            ref["id"]
            for key in CATEGORIES[1:]
            for ref in categories[key]["auditRefs"]
            if ref.get("weight")
            and audits[ref["id"]].get("score") is not None
            and audits[ref["id"]]["score"] < 1
        }
    )
    lcp = audits.get("largest-contentful-paint", {}).get("numericValue")
    errors = audits.get("errors-in-console", {}).get("details", {}).get("items", [])
    return {
        "scores": scores,
        "lcp_s": None if lcp is None else round(lcp / 1000, 1),
        "failed": failed,
        "console_errors": [item.get("description", "") for item in errors],
    }


def table(rows: dict[str, dict[str, Any]]) -> str:
    width = max(len(path) for path in rows)
    head = f"{'page':<{width}}  perf  a11y  best   seo  LCP s"
    lines = [head, "-" * len(head)]
    for path, row in rows.items():
        cells = "".join(
            f"{'-' if row['scores'][key] is None else row['scores'][key]:>6}" for key in CATEGORIES
        )
        lines.append(f"{path:<{width}}{cells}  {row['lcp_s'] or '-':>5}")
    for path, row in rows.items():
        if row["failed"] or row["console_errors"]:
            lines.append(f"{path}: failed {', '.join(row['failed']) or '-'}")
            lines.extend(f"  console: {error}" for error in row["console_errors"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:5000")
    parser.add_argument("--pages", nargs="*", default=PAGES, help="paths under --base-url")
    parser.add_argument("--json", type=Path, help="also write the summaries here")
    parser.add_argument("--minimum", type=int, default=0, help="exit 1 below this (0-100)")
    parser.add_argument("--lighthouse", type=Path, default=LIGHTHOUSE)
    args = parser.parse_args(argv)
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not args.lighthouse.exists():
        print(f"{args.lighthouse} is missing: run make lighthouse", file=sys.stderr)
        return 2
    base = args.base_url.rstrip("/")
    try:
        urllib.request.urlopen(base + "/healthz", timeout=10).close()  # noqa: S310
    except (urllib.error.URLError, OSError) as error:
        print(f"no server at {base} ({error}): start one with make run", file=sys.stderr)
        return 2
    rows: dict[str, dict[str, Any]] = {}
    for path in args.pages:
        print(f"lighthouse {base}{path}", file=sys.stderr)
        try:
            rows[path] = summary(run_lighthouse(base + path, args.lighthouse, chrome))
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
            print(error, file=sys.stderr)
            return 2
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    low = [
        (path, key, score)
        for path, row in rows.items()
        for key, score in row["scores"].items()
        if score is not None and score < args.minimum
    ]
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
