"""``marsad serve``: the HTTP API and the web page over a store, in one process (uvicorn)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from marsad.cli._options import pair_encoder_option
from marsad.errors import MarsadError
from marsad.settings import ENCODERS, Settings


#: Host names a browser uses for this machine; the only ones a loopback server answers.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default="marsad.db", show_default=True, help="The store to serve; when it does not exist, the bundled sample pages are served from memory.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; only this machine can connect to the default.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--encoder", type=click.Choice(ENCODERS), default="use", show_default=True, help="Sentence encoder; must be the one the store was built with.")
@pair_encoder_option
def serve(db: Path, host: str, port: int, encoder: str, pair_encoder: str) -> None:
    """Serve the stories of a store: a web page and a JSON API (its description at /docs).

    Opens the page at http://HOST:PORT/ . Everything is served from this machine; the page
    loads nothing from the internet.
    """
    import uvicorn

    from marsad.cli._output import stderr_console
    from marsad.engine import Engine
    from marsad.serve import ServeSettings, create_app
    from marsad.serve.samples import sample_store
    from marsad.store import open_store

    console = stderr_console()
    engine = Engine(Settings(encoder=encoder, pair_encoder=pair_encoder))
    try:
        if db.exists():
            store = open_store(db)
        else:
            console.print(f"no store at {db}: serving the bundled sample pages (held in memory)", highlight=False, soft_wrap=True)
            store = sample_store(engine)
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    loopback = _loopback(host)
    if not loopback:
        console.print(f"[yellow]warning[/yellow] listening on {host}: other machines can reach this server (it has no login)", highlight=False, soft_wrap=True)
    console.print(f"marsad: http://{host}:{port}/  (API description: http://{host}:{port}/docs; Ctrl-C stops)", highlight=False, soft_wrap=True)
    try:
        settings = ServeSettings(allowed_hosts=LOOPBACK_NAMES if loopback else None)
        uvicorn.run(create_app(store, engine, settings), host=host, port=port, log_level="warning")
    finally:
        store.close()
