"""The open, read-only JSON API under /api/v1, described by an OpenAPI document.

flask-smorest serves only the /api blueprints; the rest of the app is ordinary Flask. Errors
under /api/ are answered by app.core.errors in one JSON shape (``ErrorSchema``), so
flask-smorest's own error handler is not installed.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_smorest import Api

from app.api.common import ErrorSchema


class OpenApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """app.core.errors already answers JSON under /api/ (for every HTTP error)."""


api = OpenApi(
    spec_kwargs={
        "info": {
            "description": "Open, read-only data from Medvirke: innbyggerforslag, survey "
            "results, service declarations, golden service moments and the focus-area "
            "compass. Public data only. Licence: NLOD 2.0.",
            "license": {
                "name": "Norsk lisens for offentlige data (NLOD) 2.0",
                "url": "https://data.norge.no/nlod/no/2.0",
            },
        }
    }
)


def init_api(app: Flask) -> None:
    """Register the API's blueprints, its document and its open CORS for reading."""
    from app.api import compass, declarations, docs, moments, proposals, surveys

    api.init_app(app)
    api.register_blueprint(proposals.blp)
    api.register_blueprint(surveys.blp)
    api.register_blueprint(declarations.blp)
    api.register_blueprint(moments.blp)
    api.register_blueprint(compass.blp)
    app.register_blueprint(docs.bp)

    @app.after_request
    def _cors(response: Response) -> Response:
        if request.path.startswith("/api/"):
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
        return response
