"""/api/docs: the OpenAPI document as a readable page, rendered on the server (no scripts,
nothing loaded from outside the site)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from app.core.cache import cached_page

bp = Blueprint("api_docs", __name__, template_folder="templates")

METHODS = ("get", "head", "options")


def _resolve(spec: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """Follow a local "$ref" (#/components/…) to what it names."""
    ref = item.get("$ref")
    if not ref:
        return item
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def endpoints(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation in the document: path, method, summary, parameters, responses."""
    out = []
    for path, operations in spec.get("paths", {}).items():
        shared = operations.get("parameters", [])
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            parameters = [_resolve(spec, p) for p in [*shared, *operation.get("parameters", [])]]
            responses = [
                (status, _resolve(spec, response).get("description", ""))
                for status, response in sorted(operation.get("responses", {}).items())
            ]
            out.append(
                {
                    "path": path,
                    "method": method.upper(),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "parameters": parameters,
                    "responses": responses,
                }
            )
    return out


@bp.get("/api/docs")
@cached_page()
def docs():  # type: ignore[no-untyped-def]
    """The API's endpoints, parameters and answers, from the OpenAPI document."""
    from app.api import api

    spec = api.spec.to_dict()
    return render_template(
        "api/docs.html", spec=spec, endpoints=endpoints(spec), tags=spec.get("tags", [])
    )
