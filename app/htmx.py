"""The only place that reads or writes HX-* headers."""
from flask import Response, request


def is_htmx() -> bool:
    """True when htmx made this request (and it is not a history restore)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def htmx_target() -> str | None:
    return request.headers.get("HX-Target")


def add_vary(response: Response) -> Response:
    """Pages that answer htmx with a fragment vary on HX-Request."""
    response.vary.add("HX-Request")
    return response


def trigger(response: Response, event: str) -> Response:
    response.headers["HX-Trigger"] = event
    return response


def redirect_htmx(response: Response, location: str) -> Response:
    response.headers["HX-Redirect"] = location
    return response


def retarget(response: Response, target: str, swap: str = "outerHTML") -> Response:
    response.headers["HX-Retarget"] = target
    response.headers["HX-Reswap"] = swap
    return response
