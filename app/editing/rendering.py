"""One URL, two representations: the whole page, or one named block of it for htmx."""
from flask import current_app, render_template

from app.htmx import add_vary, is_htmx, retarget


def render_block(template_name: str, block_name: str, **context) -> str:
    """Render one named block of a page template with the usual template context."""
    app = current_app._get_current_object()
    app.update_template_context(context)
    template = app.jinja_env.get_or_select_template(template_name)
    return "".join(template.blocks[block_name](template.new_context(context)))


def block_response(template_name: str, block_name: str, status: int = 200, **context):
    """Only the named block, as a response that varies on HX-Request."""
    body = render_block(template_name, block_name, **context)
    return add_vary(current_app.make_response((body, status)))


def page_or_block(template_name: str, block_name: str, status: int = 200, **context):
    """The named block for htmx requests, the whole page otherwise."""
    if is_htmx():
        return block_response(template_name, block_name, status, **context)
    return add_vary(current_app.make_response((render_template(template_name, **context), status)))


def refusal(message: str, status: int = 409, **context):
    """An action the draft refuses: a message in the page's message area (htmx) or a page of its own."""
    if is_htmx():
        response = block_response("editing/refused.html", "message", status, message=message, **context)
        return retarget(response, "#editing-messages", "innerHTML")
    return page_or_block("editing/refused.html", "message", status, message=message, **context)
