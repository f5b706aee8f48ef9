"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against a live
``marsad serve`` app on 127.0.0.1, filled with the samples and tests/data/serve/pages.json
through the HTTP API. Screenshots go to tests/browser/screenshots/ (git-ignored)."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import httpx2
import pytest
import uvicorn

from marsad.serve import create_app
from marsad.serve.samples import sample_store

CHROMIUM = os.environ.get("MARSAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = Path(__file__).parent.parent / "data" / "serve" / "pages.json"
SCREENSHOTS = Path(__file__).parent / "screenshots"


class LiveServer:
    """uvicorn in a background thread on a free loopback port."""

    def __init__(self, app):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture(scope="session")
def live(engine):
    """The served store and its URL; the test pages are ingested through the API, as a user would."""
    store = sample_store(engine)
    with LiveServer(create_app(store, engine)) as server:
        response = httpx2.post(f"{server.url}/api/articles/batch", content=PAGES.read_bytes(), headers={"content-type": "application/json"}, timeout=60)
        assert response.status_code == 200, response.text
        server.ingested = response.json()["articles"]
        yield server
    store.close()


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: run .ci/install-browser (installs Debian's chromium and fonts-noto-core with apt)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.dialogs = []  # every alert/confirm/prompt the page tries to open
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.errors = []  # console errors, CSP violations among them, and failed requests
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    # (a request cut short by the next navigation is no error)
    page.on("requestfailed", lambda request: page.errors.append(f"request failed: {request.url} {request.failure}") if "ERR_ABORTED" not in (request.failure or "") else None)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path
