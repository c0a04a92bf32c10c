"""The suite does not read the developer's environment (tests/isolation.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.isolation import KEPT, SCRUBBED, variables_config_reads

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_config_reads_is_found():
    found = variables_config_reads()
    # a sample of each kind of read: _int, _bool, _list, environ.get, the database
    for name in ("PAGE_CACHE_SECONDS", "RATELIMIT_ENABLED", "TRUSTED_HOSTS", "MAIL_BACKEND"):
        assert name in found
    assert {"LOGIN_RATE_LIMIT", "SECRET_KEY", "DATABASE_URL", "MEDVIRKE_ENV"} <= SCRUBBED
    assert KEPT & SCRUBBED == set()


def test_none_of_them_is_set_while_the_suite_runs():
    assert [name for name in SCRUBBED if name in os.environ] == []


def test_a_polluted_shell_leaves_the_test_configuration_as_written():
    polluted = {
        **os.environ,
        "LOGIN_RATE_LIMIT": "1 per hour",
        "MAIL_BACKEND": "smtp",
        "PAGE_CACHE_SECONDS": "600",
        "ANONYMITY_K": "9",
        "RATELIMIT_ENABLED": "false",
        "MEDVIRKE_ENV": "production",
    }
    code = (
        "import tests.isolation, config; c = config.TestConfig; "
        "print(c.LOGIN_RATE_LIMIT, c.MAIL_BACKEND, c.PAGE_CACHE_SECONDS, c.ANONYMITY_K, "
        "c.RATELIMIT_ENABLED, config.config_from_env().__name__, sep='|')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=polluted, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "10 per minute;50 per hour|memory|0|5|True|DevelopmentConfig"
