"""The floor: a bare Flask app that answers with bytes held in memory, nothing else.

It serves, under the same gunicorn settings as Accord, the very bytes Accord answered for each
measured URL (captured at the start of the measurement), so a ratio against it isolates what the
app adds (database, templates, auth, middleware) from what HTTP and the machine cost anyway.

    BENCH_FLOOR_DIR=folder gunicorn -w 2 bench.floor:app

Each `<name>.body` file in the folder is served at `/<name>`, with its `<name>.type` content type,
a strong ETag of its SHA-256 and a 304 for a matching If-None-Match.
"""
import hashlib
import os
from pathlib import Path

from flask import Flask, Response, abort, request


def load_bodies(folder: Path) -> dict[str, tuple[bytes, str, str]]:
    """name -> (bytes, content type, etag) for every captured body in the folder."""
    bodies = {}
    for path in sorted(folder.glob("*.body")):
        data = path.read_bytes()
        type_path = path.with_suffix(".type")
        mimetype = type_path.read_text().strip() if type_path.exists() else "application/octet-stream"
        bodies[path.stem] = (data, mimetype, hashlib.sha256(data).hexdigest())
    return bodies


def create_floor_app(bodies: dict[str, tuple[bytes, str, str]]) -> Flask:
    """The bare app over these bodies."""
    app = Flask(__name__)

    @app.route("/<name>")
    def body(name):
        """The captured bytes, or 304 when the client already has them."""
        if name not in bodies:
            abort(404)
        data, mimetype, etag = bodies[name]
        if request.if_none_match.contains(etag):
            response = Response(status=304)
        else:
            response = Response(data, content_type=mimetype)
        response.set_etag(etag)
        return response

    return app


def _app_from_environment() -> Flask | None:
    folder = os.environ.get("BENCH_FLOOR_DIR")
    return create_floor_app(load_bodies(Path(folder))) if folder else None


app = _app_from_environment()
