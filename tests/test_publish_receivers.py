"""What happens on submit, send-back and publish is listed in one function (app.signals.connect_receivers),
called by create_app; no module connects a receiver when it is imported."""
import subprocess
import sys
from pathlib import Path

from app import notifications, signals, webhooks
from app.glossary import index as glossary_index
from app.versions import published

# The documented list: the one in connect_receivers (blinker keeps no order between receivers).
DOCUMENTED = {
    "version_submitted": [notifications.on_version_submitted],
    "version_sent_back": [notifications.on_version_sent_back],
    "version_published": [glossary_index.index_published_version, webhooks.enqueue_deliveries,
                          published.forget_current],
    "version_published_committed": [published.forget_current, glossary_index.forget_verified,
                                    webhooks.kick_deliveries, notifications.on_version_published],
}
ROOT = Path(__file__).resolve().parent.parent


def connected(signal) -> set:
    return set(signal.receivers_for(object()))


def test_create_app_connects_exactly_the_documented_receivers(app):
    for name, receivers in DOCUMENTED.items():
        assert connected(getattr(signals, name)) == set(receivers), name


def test_every_signal_is_in_the_documented_list():
    defined = {name for name, value in vars(signals).items() if type(value).__name__ == "NamedSignal"}
    assert defined == set(DOCUMENTED)


def test_no_module_connects_a_receiver_when_imported():
    """Import every module of the app in a fresh interpreter, without create_app: nothing is connected."""
    script = """
import importlib, pkgutil, app
from app import signals
for module in pkgutil.walk_packages(app.__path__, "app."):
    importlib.import_module(module.name)
print(sum(len(s.receivers) for s in vars(signals).values() if type(s).__name__ == "NamedSignal"))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"SECRET_KEY": "test-secret-key-not-for-production-use", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
