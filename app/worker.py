"""Entry point for the job worker: `huey_consumer app.worker.huey` (see `make worker`).

Creating the app imports every domain, so every task and scheduled job is registered
before the consumer starts.
"""

from app import create_app
from app.core import jobs
from config import config_from_env

jobs.use_app(create_app(config_from_env()))
huey = jobs.huey
