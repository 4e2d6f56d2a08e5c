"""The one canonical JSON serialisation: published documents, API bodies, backups and webhook payloads hash these bytes."""
import json


def canonical_json(data) -> bytes:
    """Stable bytes for JSON data: sorted keys, no spaces, UTF-8 (not ASCII-escaped)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
