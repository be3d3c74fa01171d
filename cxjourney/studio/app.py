"""The studio's web application: the page, its static bundle, and a small JSON API.

Guards, in the order a request meets them:
- a per-session token on every request (the URL's `?token=` sets a cookie that only this
  site sends, `SameSite=Strict`; scripts may send `X-Studio-Token`), so other local users
  and other web pages cannot drive the studio;
- request bodies of at most MAX_BODY_BYTES;
- paths only inside the folder (`workspace`).

The answers are JSON; what they say is computed by the library (`editing`, `views`,
`forecasts`), never here.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..language.load import Loaded, load
from ..lsp.project import MAX_DOCUMENT_CHARS
from . import views
from .editing import Editing
from .forecasts import Forecasts, Superseded, forecast
from .workspace import Refused, Workspace

STATIC = Path(__file__).parent / "static"
COOKIE = "cxjourney_studio"
HEADER = "x-studio-token"
#: A document of MAX_DOCUMENT_CHARS characters, each up to 4 bytes of UTF-8 and escaped in
#: JSON, fits; nothing much larger is read.
MAX_BODY_BYTES = 8 * MAX_DOCUMENT_CHARS + 4096
ASSETS = {"studio.js": "text/javascript", "studio.css": "text/css", "LICENSES.txt": "text/plain"}


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Studio:
    """What one studio session holds: its folder, token, editor help and forecasts."""

    workspace: Workspace
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    editing: Editing = field(init=False)
    forecasts: Forecasts = field(default_factory=Forecasts)

    def __post_init__(self) -> None:
        self.editing = Editing(self.workspace.root)

    def allowed(self, request: Request) -> bool:
        given = (
            request.query_params.get("token")
            or request.headers.get(HEADER)
            or request.cookies.get(COOKIE)
            or ""
        )
        return hmac.compare_digest(given.encode(), self.token.encode())


def create_app(folder: str | Path, token: str | None = None) -> Starlette:
    """The application serving FOLDER; a fresh random token unless one is given (tests)."""
    studio = Studio(Workspace.at(folder))
    if token is not None:
        studio.token = token

    async def page(request: Request) -> Response:
        response = FileResponse(STATIC / "index.html", media_type="text/html")
        response.set_cookie(COOKIE, studio.token, httponly=True, samesite="strict")
        response.headers["Cache-Control"] = "no-store"
        return response

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(STATIC / name, media_type=ASSETS[name])

    async def listing(request: Request) -> Response:
        return JSONResponse(
            {
                "folder": studio.workspace.root.name,
                "files": studio.workspace.journeys(),
                "language": views.highlighting(),
            }
        )

    async def read(request: Request) -> Response:
        relative = request.query_params.get("path", "")
        return JSONResponse({"path": relative, "text": studio.workspace.read(relative)})

    async def analyse(request: Request) -> Response:
        """Diagnostics as `check` gives them; when the text checks, the map and the diff."""
        body = await _body(request)
        path, text = _document(studio, body)
        answer: dict[str, Any] = {"diagnostics": studio.editing.diagnostics(path, text)}
        loaded = _load(path, text)
        answer["ok"] = loaded.ok
        if not loaded.ok:  # a newer edit that does not check: the older text's run is stale
            studio.forecasts.ticket(str(path))
        else:
            answer["map"], answer["map_note"] = views.map_svg(loaded)
            base = views.committed(path)
            answer["diff"] = views.diff_comment(base, loaded, body["path"])
        return JSONResponse(answer)

    async def complete(request: Request) -> Response:
        body = await _body(request)
        path, text = _document(studio, body)
        line, column = _position(body)
        return JSONResponse({"items": studio.editing.completion(path, text, line, column)})

    async def hover(request: Request) -> Response:
        body = await _body(request)
        path, text = _document(studio, body)
        line, column = _position(body)
        return JSONResponse({"markdown": studio.editing.hover(path, text, line, column)})

    async def definition(request: Request) -> Response:
        body = await _body(request)
        path, text = _document(studio, body)
        line, column = _position(body)
        return JSONResponse({"targets": studio.editing.definition(path, text, line, column)})

    async def run_forecast(request: Request) -> Response:
        """The quick or full forecast of the text; `superseded` when a newer edit came."""
        body = await _body(request)
        path, text = _document(studio, body)
        full = bool(body.get("full"))
        loaded = _load(path, text)
        if not loaded.ok or loaded.journey is None:
            studio.forecasts.ticket(str(path))  # an older run of the file is stale now
            why = (
                "the text has errors: no forecast until it checks"
                if not loaded.ok
                else "a persona library has no forecast: open a journey that uses it"
            )
            return JSONResponse({"error": why})
        base = views.committed(path)
        pair = views.both_journeys(base, loaded)
        journey = loaded.journey
        try:
            done = await studio.forecasts.run(
                str(path), lambda progress: forecast(journey, full, progress, pair)
            )
        except Superseded:
            return JSONResponse({"superseded": True})
        except ValueError as err:  # RunRefused: the command line's run-size limit
            where = f" (the studio does not: run `cxjourney simulate {body['path']} --allow-long`)"
            return JSONResponse({"error": str(err) + (where if "--allow-long" in str(err) else "")})
        return JSONResponse(_forecast_answer(done, loaded, base, body["path"], full))

    async def save(request: Request) -> Response:
        body = await _body(request)
        _path, text = _document(studio, body)
        studio.workspace.save(body["path"], text)
        return JSONResponse({"saved": body["path"], "bytes": len(text.encode("utf-8"))})

    routes = [
        Route("/", page),
        Route("/static/{name}", asset),
        Route("/api/files", listing),
        Route("/api/file", read),
        Route("/api/analyse", analyse, methods=["POST"]),
        Route("/api/complete", complete, methods=["POST"]),
        Route("/api/hover", hover, methods=["POST"]),
        Route("/api/definition", definition, methods=["POST"]),
        Route("/api/forecast", run_forecast, methods=["POST"]),
        Route("/api/save", save, methods=["POST"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        studio.forecasts.warm()
        yield
        studio.forecasts.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(_Guard, studio=studio)
    app.state.studio = studio
    return app


class _Guard:
    """The token, then the body's size; errors the library raises as JSON, never a traceback."""

    def __init__(self, app: Any, studio: Studio) -> None:
        self.app = app
        self.studio = studio

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if not self.studio.allowed(request):
            answer = PlainTextResponse(
                "This studio needs the address it printed, with its token.", status_code=403
            )
            await answer(scope, receive, send)
            return
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            await _too_large()(scope, receive, send)
            return
        try:
            await self.app(scope, _bounded(receive), send)
        except BadRequest as err:
            await JSONResponse({"error": str(err)}, status_code=err.status)(scope, receive, send)
        except Refused as err:
            await JSONResponse({"error": str(err)}, status_code=403)(scope, receive, send)


def _too_large() -> Response:
    limit = f"{MAX_BODY_BYTES // 1024} KB"
    return JSONResponse({"error": f"the request is larger than {limit}"}, status_code=413)


def _bounded(receive: Any) -> Any:
    """RECEIVE that stops a body (sent without a length) once it passes MAX_BODY_BYTES."""
    seen = 0

    async def bounded() -> dict:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY_BYTES:
                raise BadRequest(413, f"the request is larger than {MAX_BODY_BYTES // 1024} KB")
        return message

    return bounded


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, "the request is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("path"), str):
        raise BadRequest(400, "the request names no file (path)")
    if "text" in body and not isinstance(body["text"], str):
        raise BadRequest(400, "the text is not a string")
    return body


def _document(studio: Studio, body: dict[str, Any]) -> tuple[Path, str]:
    path = studio.workspace.resolve(body["path"])
    text = body.get("text")
    if text is None:
        text = studio.workspace.read(body["path"])
    if len(text) > MAX_DOCUMENT_CHARS:
        raise BadRequest(413, f"the text is longer than {MAX_DOCUMENT_CHARS // 1024} K characters")
    return path, text


def _position(body: dict[str, Any]) -> tuple[int, int]:
    line, column = body.get("line"), body.get("character")
    if not isinstance(line, int) or not isinstance(column, int) or line < 0 or column < 0:
        raise BadRequest(400, "the request has no position (line, character)")
    return line, column


def _load(path: Path, text: str) -> Loaded:
    return load(str(path), data=text.encode("utf-8"), name=str(path))


def _forecast_answer(
    done: dict[str, Any], loaded: Loaded, base: views.Base, shown: str, full: bool
) -> dict[str, Any]:
    """The forecast as the command line words it: the table, the curve, the diff's comment."""
    from ..render.curve import curve_svg
    from ..render.report import inline_svg
    from ..render.table import table

    journey, results = loaded.journey, done["results"]
    assert journey is not None
    labels = {s.id: s.label for s in journey.scenarios}
    run = "full run" if full else f"quick run: {results['horizon_days']:g} days"
    return {
        "run": run,
        "replications": results["replications"],
        "table": table(results, labels),
        "curve": inline_svg(curve_svg(journey, loaded.graph, results)),
        "diff": views.diff_comment(base, loaded, shown, done["prediction"]),
    }
