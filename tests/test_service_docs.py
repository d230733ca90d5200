"""The service's documentation pages work offline: Swagger UI (/docs) and ReDoc (/redoc)
load their scripts and styles from the server itself (fastapi-offline's copies), never
from a CDN."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from periodize.service.app import create_app
from periodize.service.settings import ServiceSettings


def _get(*paths: str) -> list[httpx.Response]:
    """GET each path from the app in process (its lifespan, the worker pool, not run)."""
    app = create_app(ServiceSettings(workers=1, queue_size=0))

    async def fetch() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return [await client.get(path) for path in paths]

    return asyncio.run(fetch())


@pytest.mark.parametrize(("page", "assets"), [("/docs", 2), ("/redoc", 1)])
def test_documentation_pages_load_only_local_assets(page: str, assets: int) -> None:
    (response,) = _get(page)
    assert response.status_code == 200
    html = response.text
    references = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    scripts_and_styles = [r for r in references if r.endswith((".js", ".css"))]
    assert len(scripts_and_styles) == assets
    for reference in references:
        assert not reference.startswith(("http:", "https:", "//")), reference
    assert "/openapi.json" in html
    for asset, served in zip(scripts_and_styles, _get(*scripts_and_styles), strict=True):
        assert served.status_code == 200, asset
        assert len(served.content) > 100_000  # the real bundle, not a stub


def test_the_openapi_document_is_served() -> None:
    (response,) = _get("/openapi.json")
    document = response.json()
    assert document["info"]["title"] == "periodize"
    assert "/v1/plans" in document["paths"]
