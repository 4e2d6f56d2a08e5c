"""Signals between areas, so that one area's action can trigger another's work without imports.

`version_published` is sent inside the publishing transaction (receivers add rows to the same
session, e.g. webhook outbox rows); `version_published_committed` after it commits (receivers
may do slow work, e.g. kick webhook delivery or send mail). The sender is the Version.

Every receiver is connected in connect_receivers(), called by create_app: read it to see
everything that happens on submit, send-back and publish. No module connects one at import.
"""
from blinker import Namespace

_signals = Namespace()

version_submitted = _signals.signal("version-submitted")
version_sent_back = _signals.signal("version-sent-back")
version_published = _signals.signal("version-published")
version_published_committed = _signals.signal("version-published-committed")


def connect_receivers(app=None) -> None:
    """Connect every receiver of the signals above (connecting twice is harmless)."""
    from app import notifications, webhooks
    from app.glossary import index as glossary_index
    from app.versions import published

    # Submitted for review: mail the approvers of every required team.
    version_submitted.connect(notifications.on_version_submitted)
    # Sent back to draft: mail its editors and its submitter why.
    version_sent_back.connect(notifications.on_version_sent_back)

    # Publishing, inside its transaction (receivers write to the same session):
    # the glossary search index takes the new version's terms (only those that changed);
    version_published.connect(glossary_index.index_published_version)
    # one webhook outbox row per active endpoint;
    version_published.connect(webhooks.enqueue_deliveries)
    # the request that publishes reads the current version afresh.
    version_published.connect(published.forget_current)

    # After the publish commits:
    # this worker forgets which version is current (others within ACCORD_CURRENT_TTL);
    version_published_committed.connect(published.forget_current)
    # this worker checks the glossary index again at once;
    version_published_committed.connect(glossary_index.forget_verified)
    # the first webhook delivery attempt, in the background;
    version_published_committed.connect(webhooks.kick_deliveries)
    # mail its editors and its submitter that it is published.
    version_published_committed.connect(notifications.on_version_published)
