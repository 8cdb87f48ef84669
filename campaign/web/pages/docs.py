"""/api/v1/docs: the API's reference in Swagger UI, served from the installed package (no CDN)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory, url_for
from flask.typing import ResponseReturnValue
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("docs", __name__, url_prefix="/api/v1/docs")


@bp.get("")
def index() -> ResponseReturnValue:
    prefix = current_app.config["OPENAPI_URL_PREFIX"]
    spec = f"{prefix}/{current_app.config['OPENAPI_JSON_PATH']}"
    return render_template(
        "api/docs.html", spec_url=spec, bundle=url_for("docs.bundle", filename="")
    )


@bp.get("/ui/<path:filename>")
def bundle(filename: str) -> ResponseReturnValue:
    # The files come with the swagger-ui-bundle package; its version pins what is served.
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
