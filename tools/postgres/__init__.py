"""The way out of DynamoDB and back: an app's portable records in PostgreSQL.

``schema.sql`` is the documented schema, ``load.sql`` moves staged dump lines into it and
``unload.sql`` reads an app back as dump lines; psql can run the same files (see
docs/decisions/dynamodb.md). psycopg is a tool dependency, never deployed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["load", "unload"]

SQL = Path(__file__).parent


def _connect(dsn: str, tenant: str, app: str) -> Any:
    import psycopg

    conn = psycopg.connect(dsn, autocommit=True)
    conn.execute((SQL / "schema.sql").read_text())
    conn.execute(
        "SELECT set_config('featureboard.tenant', %s, false), "
        "set_config('featureboard.app', %s, false)",
        (tenant, app),
    )
    return conn


def load(dsn: str, tenant: str, app: str, lines: Iterable[str]) -> int:
    """Stage dump lines with COPY and run load.sql: the app's rows are replaced."""
    count = 0
    with _connect(dsn, tenant, app) as conn:
        conn.execute("TRUNCATE fb_staging")
        with conn.cursor().copy("COPY fb_staging (line) FROM STDIN") as copy:
            for line in lines:
                if line.strip():
                    copy.write_row((line,))
                    count += 1
        conn.execute((SQL / "load.sql").read_text())
    return count


def unload(dsn: str, tenant: str, app: str) -> Iterator[str]:
    """The app's rows as dump lines (unload.sql), ready for ``./manage.py import``."""
    with _connect(dsn, tenant, app) as conn:
        for (line,) in conn.execute((SQL / "unload.sql").read_text()):
            yield line
