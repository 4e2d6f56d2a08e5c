"""Signals between areas, so that one area's action can trigger another's work without imports.

`version_published` is sent inside the publishing transaction (receivers add rows to the same
session, e.g. webhook outbox rows); `version_published_committed` after it commits (receivers
may do slow work, e.g. kick webhook delivery or send mail). The sender is the Version.
"""
from blinker import Namespace

_signals = Namespace()

version_submitted = _signals.signal("version-submitted")
version_sent_back = _signals.signal("version-sent-back")
version_published = _signals.signal("version-published")
version_published_committed = _signals.signal("version-published-committed")
