"""The suite's configuration is the code's, not the developer's shell.

Imported by tests/__init__.py, so before any conftest or test module imports ``config``:
every environment variable that config.py reads is removed from this
process's environment, except the ones that say where the suite's services are. So a
``LOGIN_RATE_LIMIT`` or ``MAIL_BACKEND`` left in the shell changes no count, and
TestConfig holds the defaults written in config.py (and its own overrides).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: What the suite may take from the environment: the database it runs on
KEPT = frozenset({"TEST_DATABASE_URL"})

_READ = re.compile(r'(?:environ\.get|_int|_bool|_list|_str)\(\s*"([A-Z][A-Z0-9_]*)"')


def variables_config_reads() -> set[str]:
    """Every variable named in config.py's reads (read from its source, so importing
    config, which evaluates them, is not needed)."""
    source = (Path(__file__).resolve().parent.parent / "config.py").read_text("utf-8")
    return set(_READ.findall(source))


SCRUBBED = frozenset(variables_config_reads() - KEPT)
for _name in SCRUBBED:
    os.environ.pop(_name, None)
