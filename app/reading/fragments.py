"""One URL, two representations: the whole page, or one named block of it for htmx."""
from flask import current_app, render_template

from app.htmx import add_vary, is_htmx


def render_block(template_name: str, block_name: str, **context) -> str:
    """One named block of a page template, rendered with the usual template context."""
    app = current_app._get_current_object()
    app.update_template_context(context)
    template = app.jinja_env.get_or_select_template(template_name)
    return "".join(template.blocks[block_name](template.new_context(context)))


def page_or_block(template_name: str, block_name: str, status: int = 200, **context):
    """The named block for htmx requests, the whole page otherwise; either way Vary: HX-Request."""
    body = render_block(template_name, block_name, **context) if is_htmx() else render_template(
        template_name, **context)
    return add_vary(current_app.make_response((body, status)))
