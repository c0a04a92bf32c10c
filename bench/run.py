"""Benchmark Medvirke against the smallest Flask app on the same stack.

    python -m bench.run --scale roros --duration 10 --connections 16

Creates a fresh SQLite database under instance/bench/, migrates it and fills it with
bench.generate, starts gunicorn (2 sync workers) for Medvirke and for bench.baseline, measures
every URL in TARGETS and the baseline's / with wrk, and prints one JSON document to stdout.
Progress goes to stderr. The exit code is 0 when the harness worked, even if a target was
missed (the JSON says so); it is non-zero only when the harness itself failed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

from bench.generate import SCALES, prepare

#: A POST target: logged-in residents signing open proposals, each request a new signature
SIGN = "POST /proposals/<id>/sign"
#: (path, lowest acceptable requests/sec as a share of the baseline's). Later issues append.
TARGETS: list[tuple[str, float]] = [
    ("/", 0.5),
    ("/auth/login", 0.5),
    ("/proposals/", 0.4),
    ("/proposals/?q=sykkelvei", 0.4),
    ("/proposals/1", 0.4),
    (SIGN, 0.25),
    ("/api/v1/proposals", 0.5),
    ("/compass/", 0.3),
    ("/compass/areas/1", 0.3),
    ("/declarations/", 0.4),
    ("/declarations/tjeneste-1", 0.4),
    ("/moments/", 0.5),
    ("/moments/2025", 0.5),
]

ROOT = Path(__file__).resolve().parent.parent
DB_DIR = ROOT / "instance" / "bench"
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"
WORKERS = 2
STARTUP_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0
#: wrk gets this long on top of --duration before it is killed
WRK_GRACE_S = 30.0


class HarnessError(Exception):
    """The harness could not measure (as opposed to: the app was too slow)."""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def random_secret(length: int = 48) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _parent_death_signal() -> Any:
    """Linux: a preexec_fn that has the kernel SIGTERM the server if the harness dies
    without cleaning up (say, killed by a test's timeout); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return preexec


def _read_proc(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (from /proc/*/stat)."""
    children = []
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        stat = _read_proc(str(stat_path))
        if not stat:
            continue
        # pid (comm) state ppid ...; comm may contain spaces and parentheses
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and int(fields[1]) == parent:
            children.append(int(stat_path.parent.name))
    return sorted(children)


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM (peak resident set size) of ``pid`` in MB, or None if it is gone."""
    status = _read_proc(f"/proc/{pid}/status")
    match = re.search(r"^VmHWM:\s+(\d+)\s+kB", status or "", re.MULTILINE)
    return round(int(match.group(1)) / 1024, 1) if match else None


def http_get(url: str, timeout: float) -> int:
    """GET ``url`` (always http://127.0.0.1:…) and return the status, 4xx and 5xx too."""
    if not url.startswith(f"http://{HOST}:"):
        raise HarnessError(f"refusing to request anything but {HOST}: {url}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


@dataclasses.dataclass
class Server:
    """One gunicorn master with its sync workers, logging to a file."""

    name: str
    wsgi_app: str
    env: dict[str, str]
    log_path: Path
    port: int = dataclasses.field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    _log_file: IO[bytes] | None = None

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn",
            "-w", str(WORKERS),
            "-b", f"{HOST}:{self.port}",
            "--graceful-timeout", "5",
            self.wsgi_app,
        ]  # fmt: skip
        log(f"starting {self.name}: gunicorn -w {WORKERS} {self.wsgi_app} on port {self.port}")
        self._log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_parent_death_signal(),
        )

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT_S) -> None:
        """Poll / until the server answers at all (any HTTP status)."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(
                    f"{self.name} server exited with code {self.process.returncode} before "
                    f"answering. Its log ({self.log_path}):\n{self.log_tail()}"
                )
            try:
                http_get(self.url("/"), timeout=2)  # any status: it answers; wrk counts them
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise HarnessError(
            f"{self.name} server did not answer on {self.url('/')} within {timeout:.0f} s. "
            f"Its log ({self.log_path}):\n{self.log_tail()}"
        )

    def warm(self, path: str) -> None:
        try:
            status = http_get(self.url(path), timeout=10)
        except (urllib.error.URLError, OSError) as error:
            raise HarnessError(f"warming {self.url(path)} failed: {error}") from error
        if status >= 400:
            log(f"warning: {self.name} {path} answered {status} when warmed")

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid) if self.process else []

    def stop(self) -> None:
        """SIGTERM the master (graceful), then SIGKILL its whole session if it lingers."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            log(f"stopping {self.name}")
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                log(f"{self.name} did not stop in {STOP_TIMEOUT_S:.0f} s; killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT_S)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


# --- wrk ------------------------------------------------------------------------------------

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_LATENCY = r"^\s*{pct}%\s+([\d.]+)(us|ms|s|m|h)\s*$"


def to_ms(value: str, unit: str) -> float:
    return float(value) * _UNIT_MS[unit]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests/sec, p50 and p99 in ms, socket errors and non-2xx/3xx from wrk --latency."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(_LATENCY.format(pct="50"), output, re.MULTILINE)
    p99 = re.search(_LATENCY.format(pct="99"), output, re.MULTILINE)
    if not (rps and p50 and p99):
        raise HarnessError(f"could not read wrk's output:\n{output}")
    requests = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx_3xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": round(float(rps.group(1)), 1),
        "p50_ms": round(to_ms(*p50.groups()), 3),
        "p99_ms": round(to_ms(*p99.groups()), 3),
        "requests": int(requests.group(1)) if requests else 0,
        "errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        "non_2xx_3xx": int(non_2xx_3xx.group(1)) if non_2xx_3xx else 0,
    }


def run_wrk(
    url: str, duration: int, connections: int, script: Path | None = None
) -> dict[str, Any]:
    if not url.startswith(f"http://{HOST}:"):
        raise HarnessError(f"refusing to load-test anything but {HOST}: {url}")
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    log(f"wrk -t{threads} -c{connections} -d{duration}s {url}")
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=duration + WRK_GRACE_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"wrk did not finish within {duration + WRK_GRACE_S:.0f} s") from error
    if result.returncode != 0:
        raise HarnessError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    measured = parse_wrk(result.stdout)
    log(
        f"  {measured['rps']} req/s, p50 {measured['p50_ms']} ms, p99 {measured['p99_ms']} ms, "
        f"errors {measured['errors']}, non-2xx/3xx {measured['non_2xx_3xx']}"
    )
    return measured


# --- the run --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--scale", choices=list(SCALES), default="roros")
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument(
        "--urls",
        nargs="+",
        metavar="PATH",
        help="measure only these paths from TARGETS (space- or comma-separated)",
    )
    parser.add_argument("--seed", type=int, default=1, help="data generator seed (1)")
    parser.add_argument(
        "--output", metavar="FILE", help="also write the JSON to bench/results/FILE"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the database and server logs afterwards"
    )
    args = parser.parse_args(argv)
    if args.duration < 1:
        parser.error("--duration must be at least 1")
    if args.connections < 1:
        parser.error("--connections must be at least 1")
    known = dict(TARGETS)
    if args.urls:
        wanted = [p for item in args.urls for p in item.split(",") if p]
        unknown = [p for p in wanted if p not in known]
        if unknown:
            parser.error(f"not in TARGETS: {', '.join(unknown)} (known: {', '.join(known)})")
        args.targets = [(p, known[p]) for p in dict.fromkeys(wanted)]
    else:
        args.targets = list(TARGETS)
    return args


def output_path(name: str) -> Path:
    """FILE as given when absolute, else inside bench/results/."""
    path = Path(name)
    if path.is_absolute():
        return path
    parts = path.parts
    if parts[:2] == ("bench", "results"):
        path = Path(*parts[2:])
    return RESULTS_DIR / path


def server_env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDVIRKE_", "GUNICORN_"))}
    env.update(
        MEDVIRKE_ENV="production",
        SECRET_KEY=random_secret(48),
        DATABASE_URL=f"sqlite:///{database}",
        MAIL_BACKEND="console",
        # Rate limits stay on, as in production (they guard POSTs; the pages measured are GETs),
        # but wrk is one client at one address, so the API's per-IP limit is raised to let it
        # measure the API rather than the limiter's 429s (the limiter still runs and counts)
        RATELIMIT_ENABLED="true",
        API_RATE_LIMIT="100000000 per minute",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("GUNICORN_CMD_ARGS", None)
    return env


def remove_database(database: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", "-writers.lock"):  # see db.writers_in_turn
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise HarnessError("wrk not installed: apt-get install wrk")
    scale = SCALES[args.scale]
    DB_DIR.mkdir(parents=True, exist_ok=True)
    stem = f"{scale.name}-{os.getpid()}"
    database = DB_DIR / f"{stem}.sqlite3"
    remove_database(database)

    servers: list[Server] = []
    try:
        log(f"migrating and generating the {scale.name} scale into {database}")
        started = time.perf_counter()
        generated = prepare(f"sqlite:///{database}", scale, args.seed)
        generate_s = round(time.perf_counter() - started, 1)
        log(f"generated in {generate_s} s: {generated}")

        env = server_env(database)
        medvirke = Server("medvirke", "wsgi:app", env, DB_DIR / f"{stem}-medvirke.log")
        baseline = Server("baseline", "bench.baseline:app", env, DB_DIR / f"{stem}-baseline.log")
        servers = [medvirke, baseline]
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        baseline.warm("/")
        for path, _target in args.targets:
            if path != SIGN:
                medvirke.warm(path)

        base = run_wrk(baseline.url("/"), args.duration, args.connections)
        if base["rps"] <= 0 or base["errors"] or base["non_2xx_3xx"]:
            raise HarnessError(f"the baseline app did not answer cleanly: {base}")

        urls = []
        for path, target in args.targets:
            if path == SIGN:
                measured = measure_signing(medvirke, database, env, args)
            else:
                measured = run_wrk(medvirke.url(path), args.duration, args.connections)
            ratio = measured["rps"] / base["rps"]
            clean = measured["errors"] == 0 and measured["non_2xx_3xx"] == 0
            urls.append(
                {
                    "path": path,
                    **measured,
                    "ratio_to_baseline": round(ratio, 3),
                    "target_ratio": target,
                    "meets_target": clean and ratio >= target,
                }
            )

        peaks = [peak_rss_mb(pid) for pid in medvirke.worker_pids()]
        peaks = [p for p in peaks if p is not None]
        if not peaks:
            raise HarnessError("could not read the memory of Medvirke's gunicorn workers")
    finally:
        for server in servers:
            server.stop()
        if not args.keep_db:
            remove_database(database)
            for server in servers:
                server.log_path.unlink(missing_ok=True)

    return {
        "scale": scale.name,
        "duration_s": args.duration,
        "connections": args.connections,
        "baseline": {"url": "/", **base},
        "urls": urls,
        "memory": {"peak_rss_mb_per_worker": peaks, "max_peak_rss_mb": max(peaks)},
        "generated": generated,
        "generate_s": generate_s,
        "seed": args.seed,
        "all_targets_met": all(u["meets_target"] for u in urls),
    }


SIGN_SCRIPT = """
-- Each request signs an open proposal as one of the prepared residents; the pairs
-- (resident, proposal) do not repeat, so every request is a real new signature.
local sessions = {%(sessions)s}
local proposals = {%(proposals)s}
local counter = 0
local offset = 0
local threads = 0
function setup(thread)
  thread:set("offset", threads * %(stride)d)
  threads = threads + 1
end
function init(args)
  offset = tonumber(wrk.thread:get("offset")) or 0
end
function request()
  local i = offset + counter
  counter = counter + 1
  local s = sessions[(i %% #sessions) + 1]
  local p = proposals[(math.floor(i / #sessions) %% #proposals) + 1]
  return wrk.format("POST", "/proposals/" .. p .. "/sign",
    {["Cookie"] = s[1], ["Content-Type"] = "application/x-www-form-urlencoded"},
    "csrf_token=" .. s[2])
end
"""


def _signing_sessions(database: Path, env: dict[str, str], limit: int) -> list[tuple[str, str]]:
    """Session cookies and CSRF tokens for residents who may sign, made with the server's key."""
    import secrets
    import sqlite3

    from itsdangerous import URLSafeTimedSerializer

    from app import create_app
    from app.auth.sessions import session_identifier
    from config import TestConfig

    class SessionConfig(TestConfig):
        SECRET_KEY = env["SECRET_KEY"]
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"

    app = create_app(SessionConfig)
    cookies = app.session_interface.get_signing_serializer(app)
    csrf = URLSafeTimedSerializer(env["SECRET_KEY"], salt="wtf-csrf-token")
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "SELECT login_token FROM users WHERE active = 1 AND confirmed_at IS NOT NULL "
            "AND postal_code IN (SELECT value FROM json_each((SELECT postal_codes FROM "
            "municipality_settings LIMIT 1))) ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
    # What a browser's cookie holds after logging in, "_id" included: Flask-Login's session
    # protection marks a session without it (or from another address) as not fresh, which
    # would make every request write a new cookie. wrk connects from HOST, with no User-Agent.
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": HOST}):
        identifier = session_identifier()
    sessions = []
    for (login_token,) in rows:
        raw = secrets.token_hex(20)
        cookie = cookies.dumps(
            {"_user_id": login_token, "_fresh": True, "_id": identifier, "csrf_token": raw}
        )
        sessions.append((f"session={cookie}", csrf.dumps(raw)))
    return sessions


def measure_signing(server: Server, database: Path, env: dict[str, str], args: Any) -> dict:
    """POST signatures as many residents at once; report how many signatures were added."""
    import sqlite3

    sessions = _signing_sessions(database, env, 400)
    with sqlite3.connect(database) as conn:
        proposals = [r[0] for r in conn.execute(
            "SELECT id FROM proposals WHERE state = 'open' AND campaign_ends_on >= date('now') "
            "ORDER BY id LIMIT 5000")]  # fmt: skip
        before = conn.execute("SELECT count(*) FROM signatures").fetchone()[0]
    if not sessions or not proposals:
        raise HarnessError("no residents or open proposals to sign with")
    lua = lambda items: ", ".join(items)  # noqa: E731
    script = DB_DIR / f"sign-{os.getpid()}.lua"
    script.write_text(SIGN_SCRIPT % {
        "sessions": lua(f'{{"{c}", "{t}"}}' for c, t in sessions),
        "proposals": lua(str(p) for p in proposals),
        "stride": len(sessions) * len(proposals) // 2,
    })  # fmt: skip
    try:
        measured = run_wrk(server.url("/"), args.duration, args.connections, script)
    finally:
        script.unlink(missing_ok=True)
    with sqlite3.connect(database) as conn:
        after = conn.execute("SELECT count(*) FROM signatures").fetchone()[0]
    measured["signatures_added"] = after - before
    log(f"  signatures added: {after - before} of {measured['requests']} requests")
    return measured


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop servers


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stdout = sys.stdout
    signal.signal(signal.SIGTERM, _terminate)
    # Nothing but the JSON may reach stdout: whatever else prints goes to stderr.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            result = benchmark(args)
    except HarnessError as error:
        log(f"error: {error}")
        return 1
    document = json.dumps(result, indent=2, ensure_ascii=False)
    if args.output:
        path = output_path(args.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document + "\n", encoding="utf-8")
        log(f"wrote {path}")
    print(document, file=stdout, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
