"""Traditional and simplified characters as one: a report written in
traditional characters gives the department, indicators and search the
same names as its simplified text, on both stores, while its evidence keeps
the report's own characters."""

from __future__ import annotations

import opencc

from conftest import SHARED_REPORTS
from perfkg.client import Client
from perfkg.ingest.load import department_id
from perfkg.ingest.runner import ingest
from perfkg.web.data import search

REPORT = SHARED_REPORTS / "004_a0655f5b282921e2.txt"
DEPARTMENT = "广州市增城区人民政府荔城街道办事处"


def _traditional(tmp_path):
    path = tmp_path / "004_traditional.txt"
    path.write_text(opencc.OpenCC("s2t").convert(REPORT.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_a_traditional_report_is_named_searched_and_filtered_as_the_simplified_one(empty_settings, tmp_path):
    traditional = _traditional(tmp_path)
    assert "荔城街道辦事處" in traditional.read_text(encoding="utf-8")
    client = Client.open(settings=empty_settings)
    try:
        assert [o.status for o in ingest(client.store, [traditional])] == ["loaded"]
        departments = client.store.read("MATCH (d:Department) RETURN d.id, d.name").rows
        assert departments == [[department_id(DEPARTMENT), DEPARTMENT]]
        # The evidence is the report's own traditional text.
        evidence = client.store.read("MATCH (i:Indicator {name: '长者饭堂就餐人次'}) RETURN i.evidence").rows
        assert len(evidence) == 1 and "長者飯堂" in evidence[0][0]
        # Filters and search in either script find it.
        found = [client.run("department_indicators", {"department": name}).rows
                 for name in ("荔城街道辦事處", "荔城街道办事处")]
        assert found[0] == found[1] and len(found[0]) >= 19
        for q in ("長者飯堂", "长者饭堂"):
            assert [h.name for h in search(client, q) if h.kind == "indicator"] == ["长者饭堂就餐人次"], q
        assert any(h.kind == "department" for h in search(client, "增城區"))
        # The simplified text of the same report is the same document: it replaces it.
        assert [o.status for o in ingest(client.store, [REPORT])] == ["replaced"]
        assert client.store.read("MATCH (d:Department) RETURN count(d)").rows == [[1]]
    finally:
        client.close()
