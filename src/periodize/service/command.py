"""`periodize serve`: the HTTP service on uvicorn."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from periodize.service.settings import ServiceSettings, read_api_key


def configure_access_log() -> None:
    """JSON-lines access log on stderr (one object per request); uvicorn's own access
    log is off."""
    logger = logging.getLogger("periodize.service.access")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Solver processes running at once.",
)
@click.option(
    "--queue-size",
    type=click.IntRange(min=0),
    default=8,
    show_default=True,
    help="Jobs that may wait for a worker; beyond that, 503 with Retry-After.",
)
@click.option(
    "--max-time-limit",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Longest time limit a request may ask for, seconds (larger asks are capped).",
)
@click.option(
    "--default-time-limit",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Time limit of a request that asks for none, seconds.",
)
@click.option(
    "--max-horizon",
    type=click.IntRange(min=1),
    default=52,
    show_default=True,
    help="Longest plan a scenario may ask for, weeks.",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1024),
    default=1_048_576,
    show_default=True,
    help="Largest request body, bytes (413 beyond).",
)
@click.option(
    "--read-timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds a request's head, and then its body, may take to arrive (408 beyond).",
)
@click.option(
    "--api-key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Require this key (the file's first line) as Authorization: Bearer KEY. "
    "Default: the PERIODIZE_API_KEY environment variable; neither: no authentication.",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
)
def serve(
    host: str,
    port: int,
    workers: int,
    queue_size: int,
    max_time_limit: float,
    default_time_limit: float,
    max_horizon: int,
    max_body: int,
    read_timeout: float,
    api_key_file: Path | None,
    log_level: str,
) -> None:
    """Serve the HTTP API (FastAPI on uvicorn) until interrupted.

    Endpoints under /v1: plans, jobs, check, explain, schema, healthz; the OpenAPI
    document at /openapi.json. Bodies are JSON or YAML (by Content-Type, 415 otherwise),
    read within the body, time and depth limits of docs/security.md. Ctrl-C or SIGTERM
    stops the server: running solves are interrupted, waiting jobs cancelled, the workers
    ended.
    """
    from periodize.extras import require_extra

    require_extra("service", "periodize serve")
    import uvicorn

    from periodize.service.app import create_app
    from periodize.service.server import server_config

    try:
        api_key = read_api_key(api_key_file)
    except (OSError, ValueError) as error:
        raise click.UsageError(str(error)) from None
    settings = ServiceSettings(
        workers=workers,
        queue_size=queue_size,
        max_time_limit_s=max_time_limit,
        default_time_limit_s=default_time_limit,
        max_horizon_weeks=max_horizon,
        max_body_bytes=max_body,
        read_timeout_s=read_timeout,
        api_key=api_key,
    )
    configure_access_log()
    auth = "on" if api_key else "off"
    click.echo(
        f"periodize: serving on http://{host}:{port} with {workers} workers, "
        f"queue {queue_size}, authentication {auth}",
        err=True,
    )
    config = server_config(
        create_app(settings),
        settings,
        host=host,
        port=port,
        log_level=log_level,
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run()
