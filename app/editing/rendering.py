"""Refusals shown in the editing pages' message area."""
from app.htmx import block_response, is_htmx, page_or_block, retarget


def refusal(message: str, status: int = 409, **context):
    """An action the draft refuses: a message in the page's message area (htmx) or a page of its own."""
    if is_htmx():
        response = block_response("editing/refused.html", "message", status, message=message, **context)
        return retarget(response, "#editing-messages", "innerHTML")
    return page_or_block("editing/refused.html", "message", status, message=message, **context)
