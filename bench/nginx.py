"""nginx started from the shipped site (deploy/nginx/medvirke.conf) with its ports, paths and
certificate changed for a run on this machine: the deployment test and the benchmark through
nginx both use it, so what they prove is the configuration an operator copies."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "deploy" / "nginx" / "medvirke.conf"
#: The site's server_name as shipped; clients send it as Host (TRUSTED_HOSTS names it)
SERVER_NAME = "medvirke.example.kommune.no"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for SERVER_NAME valid for a day, made with openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={SERVER_NAME}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def site_config(
    folder: Path, upstreams: list[str], http_port: int, https_port: int, cert: Path, key: Path
) -> str:
    """The shipped site with this run's values; each value replaced must still be there, so a
    change to the shipped file that the tests no longer match fails loudly."""
    text = SITE.read_text()
    replacements = [
        ("/var/cache/nginx/medvirke", str(folder / "cache")),
        ("    server 127.0.0.1:8000;\n", "".join(f"    server {u};\n" for u in upstreams)),
        ("    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        ("    listen [::]:80;\n", ""),
        ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl http2;\n"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/ssl/medvirke/fullchain.pem", str(cert)),
        ("/etc/ssl/medvirke/privkey.pem", str(key)),
        ("/srv/medvirke/", f"{ROOT}/"),
    ]
    for old, new in replacements:
        if old not in text:
            raise ValueError(f"{SITE.relative_to(ROOT)} no longer contains {old!r}")
        text = text.replace(old, new)
    return text


def main_config(folder: Path, workers: int) -> str:
    """nginx.conf around the site: everything nginx writes stays in ``folder``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the run's folder
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\nworker_processes {workers};\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    access_log {folder / 'access.log'};\n    sendfile on;\n    keepalive_timeout 65;\n"
        f"{temp}    include {folder / 'medvirke.conf'};\n}}\n"
    )


class Nginx:
    """nginx in the foreground in front of ``upstreams`` (host:port of gunicorn servers)."""

    def __init__(self, folder: Path, upstreams: list[str], workers: int = 1) -> None:
        self.folder = folder
        self.http_port, self.https_port = free_port(), free_port()
        folder.mkdir(parents=True, exist_ok=True)
        cert, key = self_signed_certificate(folder)
        (folder / "medvirke.conf").write_text(
            site_config(folder, upstreams, self.http_port, self.https_port, cert, key)
        )
        self.conf = folder / "nginx.conf"
        self.conf.write_text(main_config(folder, workers))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        command = [binary, "-p", str(self.folder), "-c", str(self.conf)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the configuration:\n{check.stderr}")
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not listen on {self.https_port} within {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()

    def error_log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
