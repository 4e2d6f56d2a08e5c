"""Lead data: leads and their events, sent by tools (POST /api/v1/events) or imported from files."""
