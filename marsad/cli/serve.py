"""``marsad serve``: the HTTP API and the web page over a store, in one process (uvicorn)."""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path

import click

from marsad.cli._options import pair_encoder_option
from marsad.errors import MarsadError
from marsad.settings import ENCODERS, Settings

#: Host names a browser uses for this machine; the only ones a loopback server answers.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
SAMPLES_KEEP_NOTHING = ("this server shows the bundled sample pages from memory and would keep nothing written to it: "
                        "start it on a store (marsad serve --db FILE, after marsad ingest PAGES --db FILE)")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default="marsad.db", show_default=True, help="The store to serve; when it does not exist, the bundled sample pages are served from memory, read-only.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; only this machine can connect to the default.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--encoder", type=click.Choice(ENCODERS), default="use", show_default=True, help="Sentence encoder; must be the one the store was built with.")
@click.option("--token", envvar="MARSAD_TOKEN", default=None, help="Writes (POST /api/articles…) need 'Authorization: Bearer TOKEN'; reads stay open. Beyond loopback a random one is made and printed when none is given. [env: MARSAD_TOKEN]")
@pair_encoder_option
def serve(db: Path, host: str, port: int, encoder: str, token: str | None, pair_encoder: str) -> None:
    """Serve the stories of a store: a web page and a JSON API (its description at /docs).

    Opens the page at http://HOST:PORT/ . Everything is served from this machine; the page
    loads nothing from the internet.
    """
    import uvicorn

    from marsad.cli._output import stderr_console
    from marsad.engine import Engine
    from marsad.serve import ServeSettings, create_app
    from marsad.serve.samples import sample_store
    from marsad.serve.server import timed_protocol
    from marsad.store import open_store

    console = stderr_console()

    def say(line: str) -> None:
        console.print(line, highlight=False, soft_wrap=True)

    engine = Engine(Settings(encoder=encoder, pair_encoder=pair_encoder))
    refused = None
    try:
        if db.exists():
            store = open_store(db)
        else:
            say(f"no store at {db}: serving the bundled sample pages from memory, read-only (writes are refused, not lost)")
            store = sample_store(engine)
            refused = SAMPLES_KEEP_NOTHING
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    loopback = _loopback(host)
    made_token = False
    if not loopback and token is None:
        token, made_token = secrets.token_urlsafe(24), True
    settings = ServeSettings(allowed_hosts=LOOPBACK_NAMES if loopback else None, write_token=token or None, writes_refused=refused)

    class AnnouncedServer(uvicorn.Server):
        """Says where it listens once it does: a port already taken is an error line, not a banner."""

        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            if not self.should_exit:
                if not loopback:
                    say(f"[yellow]warning[/yellow] listening on {host}: other machines can reach this server; reads are open to them")
                if made_token:
                    say(f"writes need 'Authorization: Bearer {token}' (choose the token with --token or MARSAD_TOKEN)")
                address = self.servers[0].sockets[0].getsockname() if self.servers and self.servers[0].sockets else (host, port)
                shown = f"[{address[0]}]" if ":" in str(address[0]) else address[0]
                say(f"marsad: http://{shown}:{address[1]}/  (API description: http://{shown}:{address[1]}/docs; Ctrl-C stops)")

    config = uvicorn.Config(create_app(store, engine, settings), host=host, port=port, log_level="warning",
                            http=timed_protocol(), timeout_keep_alive=5)
    try:
        AnnouncedServer(config).run()
    except SystemExit as exit_:  # uvicorn exits when it cannot listen (it logged why just before)
        if exit_.code:
            raise click.ClickException(f"cannot listen on {host}:{port} (is the port in use? choose another with --port)") from None
        raise
    finally:
        store.close()
