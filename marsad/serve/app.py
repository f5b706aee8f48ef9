"""The web application: ``create_app(store, engine)`` gives a FastAPI app serving the JSON API
(``/api/…``, described at ``/openapi.json`` and ``/docs``) and the server-rendered pages.

    create_app ─┬─ SecurityHeaders   CSP and friends on every response
                ├─ BodySizeLimit     413 before a large body is read
                ├─ /api/…            api.py   (JSON; 4xx JSON errors)
                ├─ /, /story, …      pages.py (HTML; Jinja2 autoescaped templates)
                └─ /static/…         CSS, the Arabic font, no script

The app holds no state of its own: everything lives on the :class:`~marsad.store.base.Store`
and the :class:`~marsad.engine.Engine` it is given.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad.engine import Engine
from marsad.serve import interface
from marsad.serve.security import BodySizeLimit, RequestTimeLimit, SecurityHeaders
from marsad.store.base import Store

HERE = Path(__file__).parent


@dataclass(frozen=True)
class ServeSettings:
    """What the server allows and how much a page shows.

    Args:
        max_body_bytes: largest request body accepted (413 above it).
        max_batch_pages: most pages one batch request may carry (422 above it).
        page_size: stories per page of the list.
        allowed_hosts: the ``Host`` names requests may carry (400 otherwise), or ``None`` for
            any. ``marsad serve`` on a loopback address allows only loopback names, so a web
            page whose domain is made to resolve to 127.0.0.1 (DNS rebinding) cannot reach it.
        write_token: when set, the write endpoints need ``Authorization: Bearer <token>``
            (401 otherwise); ``marsad serve`` sets one whenever it listens beyond loopback.
        writes_refused: when set, the write endpoints answer 409 with this reason (a server of
            the bundled samples held in memory, where a write would be lost at exit).
        read_timeout: seconds a read request may take (503 after).
        write_wait: seconds a write waits for the one before it (503 after: nothing stored).
    """

    max_body_bytes: int = 8 * 1024 * 1024
    max_batch_pages: int = 500
    page_size: int = 30
    allowed_hosts: tuple[str, ...] | None = None
    write_token: str | None = field(default=None, repr=False)
    writes_refused: str | None = None
    read_timeout: float = 30.0
    write_wait: float = 60.0


def _web_address(url: str | None) -> str | None:
    """The URL when it is an http(s) address, else None: a page's own URL never becomes a javascript: link."""
    return url if url and urlsplit(url).scheme in ("http", "https") else None


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _validation_message(error: dict) -> tuple[int, str]:
    """One line for one validation error; malformed JSON is a 400, a wrong field a 422."""
    if error.get("type") == "json_invalid":
        return 400, f"malformed JSON: {error.get('ctx', {}).get('error', 'cannot be parsed')} (at character {error['loc'][-1]})"
    where = ".".join(str(part) for part in error.get("loc", ()))
    return 422, f"{where}: {error.get('msg', 'invalid value')}"


def create_app(store: Store, engine: Engine, settings: ServeSettings | None = None) -> FastAPI:
    """The marsad web app over ``store``; ``engine`` analyses and compares.

    Args:
        store: where stories and articles are read from and ingested pages written to.
        engine: the pipeline (its encoder must be the one the store's vectors were made with).
        settings: limits and paging; :class:`ServeSettings()` by default.

    Example:
        >>> app = create_app(store, Engine(Settings(encoder="hashing")))  # doctest: +SKIP
        >>> uvicorn.run(app, host="127.0.0.1", port=8000)                  # doctest: +SKIP
    """
    from marsad import __version__
    from marsad.serve import api, pages

    settings = settings or ServeSettings()
    app = FastAPI(
        title="marsad",
        version=__version__,
        summary="Stories, articles and pair comparisons from marsad's store.",
        description="Every response is JSON; errors are `{\"detail\": \"…\"}` with a 4xx status. Article ids are 16 hex digits; story ids are `s` and 16 hex digits.",
        docs_url=None,  # FastAPI's own docs pages load scripts from a CDN; /docs is rendered here
        redoc_url=None,
    )
    app.state.store = store
    app.state.engine = engine
    app.state.settings = settings
    app.state.write_lock = threading.Lock()  # one writer: ingest requests take turns
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.globals["version"] = __version__
    app.state.templates.env.filters["safe_url"] = _web_address
    app.state.templates.env.globals.update(interface.template_globals())  # labels and dates in the reader's language

    app.add_middleware(RequestTimeLimit, seconds=settings.read_timeout)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    if settings.allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        if _is_api(request) or error.status_code == 413:
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=getattr(error, "headers", None))
        return request.app.state.templates.TemplateResponse(
            request, "error.html", {"status": error.status_code, "message": error.detail}, status_code=error.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError):
        messages = [_validation_message(item) for item in error.errors()]
        status = 400 if any(code == 400 for code, _ in messages) else 422
        detail = "; ".join(message for _, message in messages[:5])
        if _is_api(request):
            return JSONResponse({"detail": detail}, status_code=status)
        return request.app.state.templates.TemplateResponse(request, "error.html", {"status": status, "message": detail}, status_code=status)

    return app

