"""The only place that reads or writes HX-* headers."""
from flask import Response, current_app, render_template, request


def is_htmx() -> bool:
    """True when htmx made this request (and it is not a history restore)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def add_vary(response: Response) -> Response:
    """Pages that answer htmx with a fragment vary on HX-Request."""
    response.vary.add("HX-Request")
    return response


def redirect_htmx(response: Response, location: str) -> Response:
    response.headers["HX-Redirect"] = location
    return response


def retarget(response: Response, target: str, swap: str = "outerHTML") -> Response:
    response.headers["HX-Retarget"] = target
    response.headers["HX-Reswap"] = swap
    return response


def render_block(template_name: str, block_name: str, **context) -> str:
    """One named block of a page template, rendered with the usual template context."""
    app = current_app._get_current_object()
    app.update_template_context(context)
    template = app.jinja_env.get_or_select_template(template_name)
    return "".join(template.blocks[block_name](template.new_context(context)))


def block_response(template_name: str, block_name: str, status: int = 200, **context) -> Response:
    """Only the named block, as a response that varies on HX-Request."""
    body = render_block(template_name, block_name, **context)
    return add_vary(current_app.make_response((body, status)))


def page_or_block(template_name: str, block_name: str, status: int = 200, **context) -> Response:
    """One URL, two representations: the named block for htmx, the whole page otherwise."""
    if is_htmx():
        return block_response(template_name, block_name, status, **context)
    return add_vary(current_app.make_response((render_template(template_name, **context), status)))
