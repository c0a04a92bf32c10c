"""Benchmark Medvirke against the smallest Flask app on the same stack.

    python -m bench.run --scale roros --duration 10 --connections 16

Creates a fresh SQLite database under instance/bench/, migrates it and fills it with
bench.generate, starts gunicorn (2 sync workers) for Medvirke and for bench.baseline, logs
residents in through the login form, measures every URL in TARGETS as a logged-in resident
with the page cache off, and signing through the sign view (on PostgreSQL too when
BENCH_DATABASE_URL names a server), and the baseline's / with wrk, and prints one JSON
document to stdout.
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
import string
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from bench.generate import SCALES, prepare
from bench.nginx import free_port

#: A POST target: logged-in residents signing open proposals, each request a new signature
SIGN = "POST /proposals/<id>/sign"
#: The same, on PostgreSQL (measured only when BENCH_DATABASE_URL names a server)
SIGN_POSTGRESQL = "POST /proposals/<id>/sign (PostgreSQL)"
#: The one page measured as a visitor: a logged-in resident is sent on from it
VISITOR_PAGES = {"/auth/login"}
#: (path, lowest acceptable requests/sec as a share of the baseline's), every page as a
#: logged-in resident with the page cache off. Later issues append.
TARGETS: list[tuple[str, float]] = [
    ("/", 0.10),
    ("/auth/login", 0.10),
    ("/proposals/", 0.08),
    ("/proposals/?q=sykkelvei", 0.05),
    ("/proposals/1", 0.10),
    (SIGN, 0.08),
    ("/api/v1/proposals", 0.05),
    ("/compass/", 0.05),
    ("/compass/areas/1", 0.05),
    ("/declarations/", 0.05),
    ("/declarations/tjeneste-1", 0.05),
    ("/moments/", 0.10),
    ("/moments/2025", 0.08),
]
#: Anonymous visitors through nginx from deploy/ (the microcache on, the app's page cache at
#: its production default), as a share of the baseline served straight by gunicorn
NGINX_TARGETS: list[tuple[str, float]] = [
    ("/", 1.0),
    ("/proposals/", 1.0),
    ("/proposals/1", 1.0),
    ("/compass/", 1.0),
    ("/declarations/tjeneste-1", 1.0),
    ("/moments/", 1.0),
]
#: What the harness's browser says it is; a session is this browser's (session protection)
USER_AGENT = "medvirke-bench/1"
#: Residents logged in to sign: every request signs as the next one of them
SIGNERS = 400

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


class Browser:
    """Cookies and forms as a browser has them, over loopback only: enough to log in through
    the login form and read a page's CSRF token."""

    _TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

    def __init__(self, base: str) -> None:
        if not base.startswith(f"http://{HOST}:"):
            raise HarnessError(f"refusing to request anything but {HOST}: {base}")
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)
        self.opener.addheaders = [("User-Agent", USER_AGENT)]

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)  # noqa: S310
        if self.cookies:
            request.add_header("Cookie", self.cookie_header)
        try:
            with self.opener.open(request, timeout=30) as response:
                status, body, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read(), error.headers
            error.close()
        for cookie in headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return status, body.decode("utf-8", "replace")

    def token(self, path: str) -> str:
        status, page = self.request(path)
        found = self._TOKEN.search(page)
        if status != 200 or found is None:
            raise HarnessError(f"no CSRF token on {path} ({status})")
        return found.group(1)

    def log_in(self, email: str, password: str) -> str:
        """Log in through the form; the CSRF token of the session it gives (a new one: the
        login renews it), read from the account page."""
        token = self.token("/auth/login")
        status, _page = self.request(
            "/auth/login", {"csrf_token": token, "email": email, "password": password}
        )
        if status != 302:
            raise HarnessError(f"logging in as {email} answered {status}")
        return self.token("/account")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None  # a 302 is an answer to read, not to follow


@dataclasses.dataclass
class Server:
    """One gunicorn master with its sync workers, logging to a file."""

    name: str
    wsgi_app: str
    env: dict[str, str]
    log_path: Path
    workers: int = WORKERS
    #: more than 1: gunicorn's gthread worker with this many threads per worker
    threads: int = 1
    port: int = dataclasses.field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    _log_file: IO[bytes] | None = None

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn",
            "-w", str(self.workers),
            "--threads", str(self.threads),
            "-b", f"{HOST}:{self.port}",
            "--graceful-timeout", "5",
            # every server logs each answer's status and Location (the baseline too, so the
            # cost is the same): the signatures the server confirmed, counted exactly
            "--access-logfile", str(self.access_log),
            "--access-logformat", "%(s)s %({location}o)s",
            self.wsgi_app,
        ]  # fmt: skip
        log(
            f"starting {self.name}: gunicorn -w {self.workers} --threads {self.threads} "
            f"{self.wsgi_app} on port {self.port}"
        )
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

    @property
    def access_log(self) -> Path:
        return self.log_path.with_suffix(".access")

    def confirmed_signatures(self) -> int:
        """Answers that confirmed a signature, as the server's access log has them."""
        try:
            lines = self.access_log.read_text(errors="replace").splitlines()
        except OSError:
            return 0
        return sum(1 for line in lines if line.startswith("302 ") and "#sign-heading" in line)

    def log_contains(self, text: str) -> bool:
        try:
            return text in self.log_path.read_text(errors="replace")
        except OSError:
            return False

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

    def remove_logs(self) -> None:
        self.log_path.unlink(missing_ok=True)
        self.access_log.unlink(missing_ok=True)


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
    url: str,
    duration: int,
    connections: int,
    script: Path | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    if not url.startswith((f"http://{HOST}:", f"https://{HOST}:")):
        raise HarnessError(f"refusing to load-test anything but {HOST}: {url}")
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
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
    signed = re.search(r"^signed: (\d+)$", result.stdout, re.MULTILINE)
    if signed:
        measured["signed_answers"] = int(signed.group(1))
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
    parser.add_argument(
        "--workers", type=int, default=WORKERS, help=f"gunicorn workers per server ({WORKERS})"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker (1: sync workers; more: gthread), for every server alike",
    )
    parser.add_argument("--seed", type=int, default=1, help="data generator seed (1)")
    parser.add_argument(
        "--output", metavar="FILE", help="also write the JSON to bench/results/FILE"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the database and server logs afterwards"
    )
    parser.add_argument(
        "--nginx",
        action="store_true",
        help="also measure anonymous visitors through nginx from deploy/ (needs nginx)",
    )
    args = parser.parse_args(argv)
    if args.duration < 1:
        parser.error("--duration must be at least 1")
    if args.connections < 1:
        parser.error("--connections must be at least 1")
    if args.workers < 1 or args.threads < 1:
        parser.error("--workers and --threads must be at least 1")
    known = dict(TARGETS)
    if args.urls:
        wanted = [p for item in args.urls for p in item.split(",") if p]
        unknown = [p for p in wanted if p not in known]
        if unknown:
            parser.error(f"not in TARGETS: {', '.join(unknown)} (known: {', '.join(known)})")
        args.targets = [(p, known[p]) for p in dict.fromkeys(wanted)]
    else:
        args.targets = list(TARGETS)
    if os.environ.get("BENCH_DATABASE_URL") and SIGN in dict(args.targets):
        at = [p for p, _ in args.targets].index(SIGN) + 1
        args.targets.insert(at, (SIGN_POSTGRESQL, dict(args.targets)[SIGN]))
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
        LOGIN_RATE_LIMIT="100000000 per minute",
        SIGN_RATE_LIMIT="100000000 per minute",
        # What a logged-in reader gets: every page rendered for the request
        PAGE_CACHE_SECONDS="0",
        API_CACHE_SECONDS="0",
        TRUSTED_HOSTS=HOST,
        SITE_URL=f"https://{HOST}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("GUNICORN_CMD_ARGS", None)
    return env


def remove_database(database: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
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
        workers = {"workers": args.workers, "threads": args.threads}
        medvirke = Server("medvirke", "wsgi:app", env, DB_DIR / f"{stem}-medvirke.log", **workers)
        baseline = Server(
            "baseline", "bench.baseline:app", env, DB_DIR / f"{stem}-baseline.log", **workers
        )
        servers = [medvirke, baseline]
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        baseline.warm("/")
        resident = Browser(medvirke.url(""))
        resident.log_in(*_residents(f"sqlite:///{database}", 1)[0])
        as_resident = {"Cookie": resident.cookie_header, "User-Agent": USER_AGENT}
        for path, _target in args.targets:
            if path not in (SIGN, SIGN_POSTGRESQL):
                medvirke.warm(path)

        base = run_wrk(baseline.url("/"), args.duration, args.connections)
        if base["rps"] <= 0 or base["errors"] or base["non_2xx_3xx"]:
            raise HarnessError(f"the baseline app did not answer cleanly: {base}")

        urls = []
        for path, target in args.targets:
            if path == SIGN:
                measured = measure_signing(medvirke, f"sqlite:///{database}", args)
            elif path == SIGN_POSTGRESQL:
                measured = measure_signing_on_postgresql(env, scale, args)
            elif path in VISITOR_PAGES:
                measured = run_wrk(
                    medvirke.url(path),
                    args.duration,
                    args.connections,
                    headers={"User-Agent": USER_AGENT},
                )
                measured["as"] = "visitor"
            else:
                measured = run_wrk(
                    medvirke.url(path), args.duration, args.connections, headers=as_resident
                )
                measured["as"] = "resident"
            ratio = measured["rps"] / base["rps"]
            clean = measured["errors"] == 0 and measured["non_2xx_3xx"] == 0
            exact = measured.get("signatures_added", 0) == measured.get("signed_answers", 0)
            urls.append(
                {
                    "path": path,
                    **measured,
                    "ratio_to_baseline": round(ratio, 3),
                    "target_ratio": target,
                    "meets_target": clean and exact and ratio >= target,
                }
            )

        peaks = [peak_rss_mb(pid) for pid in medvirke.worker_pids()]
        peaks = [p for p in peaks if p is not None]
        if not peaks:
            raise HarnessError("could not read the memory of Medvirke's gunicorn workers")
        if args.nginx:
            medvirke.stop()  # its workers would share the cores with the ones measured
            urls += measure_through_nginx(database, stem, base, args, servers)
    finally:
        for server in servers:
            server.stop()
        if not args.keep_db:
            remove_database(database)
            for server in servers:
                server.remove_logs()

    return {
        "scale": scale.name,
        "duration_s": args.duration,
        "connections": args.connections,
        "workers": args.workers,
        "threads": args.threads,
        "baseline": {"url": "/", **base},
        "urls": urls,
        "memory": {"peak_rss_mb_per_worker": peaks, "max_peak_rss_mb": max(peaks)},
        "generated": generated,
        "generate_s": generate_s,
        "seed": args.seed,
        "all_targets_met": all(u["meets_target"] for u in urls),
    }


def measure_through_nginx(
    database: Path,
    stem: str,
    base: dict[str, Any],
    args: argparse.Namespace,
    servers: list[Server],
) -> list[dict[str, Any]]:
    """Anonymous visitors as the deployment in deploy/ serves them: wrk over HTTPS against
    nginx from the shipped site (bench.nginx), in front of Medvirke's gunicorn with the
    page cache at its production default, so nginx's microcache obeys its Cache-Control."""
    from bench.nginx import SERVER_NAME, Nginx, nginx_binary

    if nginx_binary() is None:
        raise HarnessError("--nginx needs nginx: apt-get install nginx")
    env = server_env(database)
    for name in ("PAGE_CACHE_SECONDS", "API_CACHE_SECONDS"):
        env.pop(name)
    env.update(TRUSTED_PROXY_HOPS="1", TRUSTED_HOSTS=f"{HOST},{SERVER_NAME}")
    visitors = Server(
        "medvirke-visitors",
        "wsgi:app",
        env,
        DB_DIR / f"{stem}-visitors.log",
        workers=args.workers,
        threads=args.threads,
    )
    servers.append(visitors)
    visitors.start()
    visitors.wait_ready()
    nginx = Nginx(DB_DIR / f"{stem}-nginx", [f"{HOST}:{visitors.port}"], workers=args.workers)
    try:
        nginx.start()
        results = []
        for path, target in NGINX_TARGETS:
            url = f"https://{HOST}:{nginx.https_port}{path}"
            run_wrk(url, 1, 2, headers={"Host": SERVER_NAME})  # the first fill of the cache
            measured = run_wrk(url, args.duration, args.connections, headers={"Host": SERVER_NAME})
            ratio = measured["rps"] / base["rps"]
            clean = measured["errors"] == 0 and measured["non_2xx_3xx"] == 0
            measured["as"] = "visitor through nginx"
            results.append(
                {
                    "path": path,
                    **measured,
                    "ratio_to_baseline": round(ratio, 3),
                    "target_ratio": target,
                    "meets_target": clean and ratio >= target,
                }
            )
        return results
    finally:
        nginx.stop()
        if not args.keep_db:
            shutil.rmtree(nginx.folder, ignore_errors=True)


SIGN_SCRIPT = """
-- Each request signs an open proposal as one of the residents logged in; the pairs
-- (resident, proposal) do not repeat, so every request is a real new signature (but for
-- pairs the generator signed already, which are refused). Each proposal is {id, version}:
-- the form carries the version of the text, as the page shows it. A signature's answer
-- sends the signer back to the proposal's signing section (#sign-heading); those are
-- counted.
local sessions = {%(sessions)s}
local proposals = {%(proposals)s}
local counter = 0
local offset = 0
local threads = {}
signed = 0
function setup(thread)
  thread:set("offset", #threads * %(stride)d)
  table.insert(threads, thread)
end
function init(args)
  offset = tonumber(wrk.thread:get("offset")) or 0
end
function request()
  local i = offset + counter
  counter = counter + 1
  local s = sessions[(i %% #sessions) + 1]
  local p = proposals[(math.floor(i / #sessions) %% #proposals) + 1]
  return wrk.format("POST", "/proposals/" .. p[1] .. "/sign",
    {["Cookie"] = s[1], ["User-Agent"] = "%(agent)s",
     ["Content-Type"] = "application/x-www-form-urlencoded"},
    "csrf_token=" .. s[2] .. "&version=" .. p[2])
end
function response(status, headers, body)
  local location = headers["Location"] or ""
  if status == 302 and string.sub(location, -13) == "#sign-heading" then
    signed = signed + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (tonumber(thread:get("signed")) or 0)
  end
  io.write(string.format("signed: %%d\\n", total))
end
"""


def _residents(database_url: str, limit: int) -> list[tuple[str, str]]:
    """(email, password) of residents who may sign: active, confirmed, living here."""
    from bench.generate import BENCH_PASSWORD

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            settings = conn.execute(sa.text("SELECT postal_codes FROM municipality_settings"))
            codes = (
                json.loads(settings.scalar_one())
                if engine.dialect.name == "sqlite"
                else (settings.scalar_one())
            )
            rows = conn.execute(
                sa.text(
                    "SELECT email FROM users WHERE active AND confirmed_at IS NOT NULL "
                    "AND postal_code IN :codes ORDER BY id DESC LIMIT :limit"
                ).bindparams(sa.bindparam("codes", expanding=True)),
                {"codes": list(codes), "limit": limit},
            )
            return [(email, BENCH_PASSWORD) for (email,) in rows]
    finally:
        engine.dispose()


def _signing_sessions(server: Server, database_url: str) -> list[tuple[str, str]]:
    """Residents logged in through the login form: each one's cookie and CSRF token."""
    sessions = []
    for email, password in _residents(database_url, SIGNERS):
        browser = Browser(server.url(""))
        token = browser.log_in(email, password)
        sessions.append((browser.cookie_header, token))
    return sessions


def _count(database_url: str, sql: str) -> Any:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).all()
    finally:
        engine.dispose()


def measure_signing(server: Server, database_url: str, args: Any) -> dict:
    """POST signatures as many residents at once through the sign view; report how many
    signatures were added and how many answers said so (they must be equal)."""
    log(f"logging {SIGNERS} residents in through the login form")
    sessions = _signing_sessions(server, database_url)
    proposals = _count(
        database_url,
        "SELECT id, version FROM proposals WHERE state = 'open' "
        "AND campaign_ends_on >= CURRENT_DATE ORDER BY id LIMIT 5000",
    )
    [(before,)] = _count(database_url, "SELECT count(*) FROM signatures")
    confirmed_before = server.confirmed_signatures()
    if not sessions or not proposals:
        raise HarnessError("no residents or open proposals to sign with")
    lua = lambda items: ", ".join(items)  # noqa: E731
    script = DB_DIR / f"sign-{os.getpid()}.lua"
    script.write_text(SIGN_SCRIPT % {
        "sessions": lua(f'{{"{c}", "{t}"}}' for c, t in sessions),
        "proposals": lua(f"{{{p}, {v}}}" for p, v in proposals),
        "stride": len(sessions) * len(proposals) // 2,
        "agent": USER_AGENT,
    })  # fmt: skip
    try:
        measured = run_wrk(server.url("/"), args.duration, args.connections, script)
    finally:
        script.unlink(missing_ok=True)
    time.sleep(1)  # the answers wrk did not wait for, when it stopped, are logged
    [(after,)] = _count(database_url, "SELECT count(*) FROM signatures")
    measured["signatures_added"] = after - before
    measured["as"] = "resident"
    if "signed_answers" not in measured:
        raise HarnessError("wrk's signing script did not report the answers it counted")
    # wrk counts the answers it read; those still on their way when it stopped it never
    # reads, so the server's own count is the one that must equal the rows
    measured["signed_answers_read_by_wrk"] = measured.pop("signed_answers")
    measured["signed_answers"] = server.confirmed_signatures() - confirmed_before
    log(
        f"  signatures added: {after - before}, answers confirming one: "
        f"{measured['signed_answers']} ({measured['signed_answers_read_by_wrk']} read by wrk), "
        f"of {measured['requests']} requests"
    )
    if server.log_contains("database is locked"):
        measured["database_locked"] = True
    return measured


def measure_signing_on_postgresql(env: dict[str, str], scale: Any, args: Any) -> dict:
    """Signing again with the data on PostgreSQL: a database of its own on the server that
    BENCH_DATABASE_URL names, made, filled with what signing needs, and dropped after."""
    from bench.generate import FOR_SIGNING, prepare

    server_url = sa.make_url(os.environ["BENCH_DATABASE_URL"])
    name = f"medvirke_bench_{os.getpid()}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    database_url = server_url.set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        log(f"generating what signing needs at {scale.name} scale on PostgreSQL ({name})")
        prepare(database_url, scale, args.seed, FOR_SIGNING)
        server = Server(
            "medvirke-postgresql",
            "wsgi:app",
            {**env, "DATABASE_URL": database_url},
            DB_DIR / f"{name}.log",
            workers=args.workers,
            threads=args.threads,
        )
        server.start()
        server.wait_ready()
        return measure_signing(server, database_url, args)
    finally:
        if server is not None:
            server.stop()
            server.remove_logs()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
