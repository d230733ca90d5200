"""The HTTP service: `periodize serve` runs the solver behind a FastAPI app.

`app.create_app` builds the app from `ServiceSettings`; `jobs.WorkerPool` runs solves and
explanations in a bounded pool of worker processes; `models` holds the request and
response bodies that are not library models (shared with `periodize.client`).
"""

from periodize.service.settings import ServiceSettings

__all__ = ["ServiceSettings"]
