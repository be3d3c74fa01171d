"""`studio`: the journeys of a folder in a local web page (cxjourney/studio)."""

from __future__ import annotations

import importlib.util
import socket
import webbrowser
from pathlib import Path

import click

from .common import SETTINGS, InputError

LOOPBACK = ("127.0.0.1", "::1", "localhost")
INSTALL = "the studio needs its extra: pip install 'cxjourney[studio]'"


@click.command(context_settings=SETTINGS)
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Default: a free port.")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Listen on an address other machines can reach (with --host). Anyone who has the "
    "printed address, token included, can then read and save the folder's journeys.",
)
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
def studio(folder: str, port: int, host: str, allow_remote: bool, no_browser: bool) -> None:
    """Edit the journeys of FOLDER in the browser, with the map, forecast and diff beside.

    Listens on 127.0.0.1 with a random token in the printed address; reads and writes
    only inside FOLDER; saves atomically, commits nothing (git stays where changes are
    reviewed). Needs the extra: pip install 'cxjourney[studio]'.

    \b
    Examples:
      cxjourney studio journeys/
      cxjourney studio . --port 8765 --no-browser
    """
    missing = [m for m in ("starlette", "uvicorn", "lsprotocol") if not importlib.util.find_spec(m)]
    if missing:
        raise InputError(f"{INSTALL} ({', '.join(missing)} missing)")
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"{folder} is not a folder")
    if host not in LOOPBACK and not allow_remote:
        raise InputError(
            f"--host {host} lets other machines reach the studio: add --allow-remote to mean it"
        )
    import uvicorn

    from ..studio.app import create_app

    app = create_app(root)
    listening = _socket(host, port)
    bound = listening.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}/?token={app.state.studio.token}"
    click.echo(f"cxjourney studio: {root.resolve()}", err=True)
    click.echo(url)
    click.echo("Press Ctrl+C to stop.", err=True)
    if not no_browser:
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[listening])


def _socket(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the address is printed (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as err:
        listening.close()
        raise InputError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    listening.listen(64)
    return listening
