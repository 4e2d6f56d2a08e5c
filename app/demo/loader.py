"""Loads the demo SLA content (filled in by the content and versions areas)."""


def load_demo_content() -> None:
    """Publish the demo SLA as 1.0.0 and open a draft of the next version."""
