"""Per-tenant usage by day: requests, table units, messages and their cost."""

from __future__ import annotations

from typing import Any

from .keys import Keys
from .table import Table

USAGE_DAYS = 400  # a day's item outlives a year, for the comparison with last year's bill


class Usage(Table):
    """One small item per tenant and UTC day, added to by each API function now and then
    (``chalicelib/usage.py``), never once per request."""

    def add_usage(self, tenant: str, day: str, counts: dict[str, float], day_start_s: int) -> None:
        names = {f"#u{i}": name for i, name in enumerate(counts)}
        values: dict[str, Any] = {f":u{i}": v for i, v in enumerate(counts.values())}
        values[":exp"] = day_start_s + USAGE_DAYS * 86400
        adds = ", ".join(f"#u{i} :u{i}" for i in range(len(counts)))
        update = self._update_op(
            Keys.usage(tenant, day), f"ADD {adds} SET expiresAt = :exp", values, None, names
        )
        self._call("update_item", **update["Update"])  # one plain write: 1 unit, not 2

    def list_usage(self, tenant: str, since_day: str) -> list[dict[str, Any]]:
        """The tenant's days from ``since_day`` on, oldest first (at most ``USAGE_DAYS``)."""
        prefix = Keys.usage(tenant, "")
        return [
            {
                "day": i["sk"][len(prefix["sk"]) :],
                **{k: v for k, v in i.items() if k not in ("pk", "sk", "expiresAt")},
            }
            for i in self._query_all(prefix["pk"], prefix["sk"])
            if i["sk"] >= f"{prefix['sk']}{since_day}"
        ]
