"""Entry point for the job worker: `huey_consumer app.worker.huey` (see `make worker`).

Creating the app imports every domain, so every task and scheduled job is registered
before the consumer starts.
"""

from app.core import jobs

jobs._app()
huey = jobs.huey
