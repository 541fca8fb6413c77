"""Mounts the explorer on the API's application: the pages, their two API
endpoints, the static files, and the API docs (Swagger UI at /docs, ReDoc at
/redoc) served from vendored files, with no web font or script from outside."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, swagger_ui_default_parameters
from fastapi.staticfiles import StaticFiles

from . import assets, endpoints, pages


def mount(app: FastAPI) -> None:
    """Call on an app made with docs_url=None and redoc_url=None: the docs
    routes here replace FastAPI's, which load their assets from a CDN."""
    app.mount(assets.PREFIX, StaticFiles(directory=assets.STATIC), name="explorer-static")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title=f"{app.title} · API",
            swagger_js_url=assets.static_url(assets.SWAGGER_JS), swagger_css_url=assets.static_url(assets.SWAGGER_CSS),
            swagger_favicon_url=assets.static_url(assets.FAVICON),
            # No spec validation badge: it would send the spec to validator.swagger.io.
            swagger_ui_parameters={**swagger_ui_default_parameters, "validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc():
        return get_redoc_html(openapi_url=app.openapi_url, title=f"{app.title} · API",
                              redoc_js_url=assets.static_url(assets.REDOC_JS),
                              redoc_favicon_url=assets.static_url(assets.FAVICON), with_google_fonts=False)

    app.include_router(endpoints.router)
    app.include_router(pages.router)
