"""Keep Alembic's autogenerate from proposing to drop the SQLite full-text index.

An FTS5 table, and the shadow tables SQLite keeps beside it, cannot be described as models:
migration 0003 creates them by hand. Without this hook `flask db migrate` on SQLite would emit
a drop_table for each of them.
"""
from alembic.autogenerate.compare import comparators
from alembic.operations import ops
from alembic.util import DispatchPriority

FTS_TABLE_PREFIX = "glossary_terms_fts"


@comparators.dispatch_for("schema", priority=DispatchPriority.LAST)
def ignore_full_text_tables(autogen_context, upgrade_ops, schemas) -> None:
    """Drop the proposed removal of the full-text tables from an autogenerate run."""
    upgrade_ops.ops[:] = [
        op for op in upgrade_ops.ops
        if not (isinstance(op, ops.DropTableOp) and op.table_name.startswith(FTS_TABLE_PREFIX))
    ]
