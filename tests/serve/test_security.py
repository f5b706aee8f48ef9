"""Security: escaped text, the Content-Security-Policy, no file path from a request, loopback by default."""

from __future__ import annotations

import re

from click.testing import CliRunner

from marsad.cli import cli
from tests.serve.conftest import REUTERS

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "<b onmouseover=alert(3)>", "<script>alert(4)</script>", '"><script>alert(6)</script>']


def test_every_response_carries_the_security_headers(served):
    for path in ["/", f"/article/{REUTERS}", "/api/health", "/static/marsad.css", "/no-such-page", "/api/articles/0000000000000000"]:
        headers = served.client.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_hostile_page_text_is_escaped_on_every_page(served):
    story = served.client.get(f"/api/articles/{served.hostile}").json()["story_id"]
    for path in ["/", f"/story/{story}", f"/article/{served.hostile}", f"/compare?a={served.hostile}&b={REUTERS}"]:
        html = served.client.get(path).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
        for markup in HOSTILE:
            assert markup not in html, (path, markup)
        # the page's own markup has no script element at all
        assert not re.search(r"<script\b", html, re.I), path


def test_javascript_url_never_becomes_a_link(served):
    html = served.client.get(f"/article/{served.hostile}").text
    assert "javascript:alert(5)" in html  # shown as text
    assert 'href="javascript:' not in html


def test_static_files_do_not_reach_outside_their_folder(served):
    assert served.client.get("/static/marsad.css").status_code == 200
    assert served.client.get("/static/fonts/NotoNaskhArabic-Regular.ttf").headers["content-type"].startswith("font/")
    for path in [
        "/static/../app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/fonts/..%2f..%2fapi.py",
        "/article/..%2f..%2fpyproject.toml",
    ]:
        response = served.client.get(path)
        assert response.status_code == 404, path
        assert "import" not in response.text and "root:" not in response.text, path


def test_serve_binds_to_loopback_by_default():
    serve = next(command for name, command in cli.commands.items() if name == "serve")
    defaults = {param.name: param.default for param in serve.params}
    assert defaults["host"] == "127.0.0.1"
    assert defaults["port"] == 8000
    help_text = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "--db" in help_text and "--host" in help_text and "--port" in help_text


def test_pages_load_nothing_from_elsewhere(served):
    story = served.client.get(f"/api/articles/{REUTERS}").json()["story_id"]
    for path in ["/", f"/story/{story}", f"/article/{REUTERS}", f"/compare?a={REUTERS}&b={served.conflicting}", "/docs"]:
        html = served.client.get(path).text
        assets = re.findall(r'<(?:link|script|img|iframe|source)\b[^>]*?(?:href|src)="([^"]*)"', html)
        assert assets, path
        assert all(asset.startswith("/") and not asset.startswith("//") for asset in assets), (path, assets)
    css = served.client.get("/static/marsad.css").text
    assert all(url.startswith("fonts/") for url in re.findall(r'url\("([^"]+)"\)', css))


def test_loopback_server_refuses_other_host_names(served, engine):
    from fastapi.testclient import TestClient

    from marsad.cli.serve import LOOPBACK_NAMES
    from marsad.serve import ServeSettings, create_app

    guarded = TestClient(create_app(served.store, engine, ServeSettings(allowed_hosts=LOOPBACK_NAMES)), base_url="http://127.0.0.1:8000")
    assert guarded.get("/api/health").status_code == 200
    assert guarded.get("/api/health", headers={"host": "localhost:8000"}).status_code == 200
    rebound = guarded.post("/api/articles", json={"text": "x"}, headers={"host": "evil.example.com"})
    assert rebound.status_code == 400
