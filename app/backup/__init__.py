"""Backup and restore: the whole database as one checksummed JSON file, and back."""
from app.backup.archive import FORMAT, FORMAT_VERSION, BackupError
from app.backup.dump import export_backup
from app.backup.restore import import_backup

__all__ = ["FORMAT", "FORMAT_VERSION", "BackupError", "export_backup", "import_backup"]
