"""Export writers: spreadsheet-safe CSV, valid JSON and JSONL, constant memory."""

from __future__ import annotations

import csv
import gzip
import io
import json

from chalicelib.export import chunks, neutralise, write_gzip
from chalicelib.records import FeatureRequest, Person


def req(n: int, title: str = "Dark mode", description: str = "") -> FeatureRequest:
    return FeatureRequest(
        tenant="t",
        app="web",
        id=f"{n:026d}",
        title=title,
        description=description,
        author=Person(f"u{n}", "Ada", "a@x.io"),
        created_ms=1_700_000_000_000 + n,
        updated_ms=1_700_000_000_000 + n,
        tags=("ui", "dark"),
        votes=n,
    )


def test_formula_cells_are_neutralised() -> None:
    for dangerous in ('=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("Dark mode = nice") == "Dark mode = nice"
    assert neutralise(["a", "b"]) == "a;b" and neutralise(None) == ""


def test_csv_has_a_header_and_one_row_per_request() -> None:
    text = "".join(chunks("csv", [req(1, "=cmd|' /C calc'!A0", "línea\nnueva 🌙"), req(2)]))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["id", "title", "description"] and len(rows) == 3
    assert rows[1][1] == "'=cmd|' /C calc'!A0" and rows[1][2] == "línea\nnueva 🌙"
    assert rows[1][5] == "ui;dark"


def test_json_and_jsonl_parse_back() -> None:
    data = json.loads("".join(chunks("json", [req(1), req(2)])))
    assert data["schemaVersion"] == 1 and [r["votes"] for r in data["items"]] == [1, 2]
    assert json.loads("".join(chunks("json", [])))["items"] == []
    lines = "".join(chunks("jsonl", [req(1), req(2)])).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [f"{1:026d}", f"{2:026d}"]


def test_gzip_file_counts_and_checksums() -> None:
    written = write_gzip("jsonl", (req(n) for n in range(500)))
    with written.file:
        raw = written.file.read()
    assert written.count == 500 and written.size == len(raw)
    assert len(gzip.decompress(raw).decode().splitlines()) == 500
    import hashlib

    assert hashlib.sha256(raw).hexdigest() == written.sha256
