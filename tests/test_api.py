"""The HTTP API over the five example reports, on each store."""

import pytest
from fastapi.testclient import TestClient

from perfkg.api.app import create_app


@pytest.fixture(scope="module")
def http(examples):
    with TestClient(create_app(examples)) as client:
        yield client


def test_health(http, backend):
    body = http.get("/health").json()
    assert body["status"] == "ok" and body["store"] == backend.name and body["reachable"] is True


def test_departments_list_the_five_streets_with_districts_and_one_report_each(http):
    departments = http.get("/departments").json()
    found = {(d["short_name"], d["district"], d["city"], tuple(r["year"] for r in d["reports"])) for d in departments}
    assert found == {
        ("夏港街道", "黄埔区", "广州市", (2022,)),
        ("中南街道", "荔湾区", "广州市", (2022,)),
        ("文冲街道", "黄埔区", "广州市", (2021,)),
        ("南洲街道", "海珠区", "广州市", (2022,)),
        ("荔城街道", "增城区", "广州市", (2021,)),
    }


def test_a_department_and_its_report(http):
    department = next(d for d in http.get("/departments").json() if d["short_name"] == "荔城街道")
    detail = http.get(f"/departments/{department['id']}").json()
    assert detail["name"] == "广州市增城区人民政府荔城街道办事处"
    [report] = detail["reports"]
    assert (report["year"], report["execution_rate"], report["self_score"]) == (2021, 90.8, 88.51)

    body = http.get(f"/reports/{report['id']}").json()
    assert body["department"]["short_name"] == "荔城街道"
    assert len(body["tasks"]) == 5 and len(body["indicators"]) == 19
    below = [i for i in body["indicators"] if i["status"] == "not_met"]
    assert {i["name"] for i in below} == {"外出招商活动次数", "在册涉毒管控人员帮教服务覆盖率", "开展社区活动次数"}
    assert all(i["evidence"] for i in body["indicators"])
    assert {(f["kind"], f["source"], f["amount"]) for f in body["funds"]} >= {("budget", "total", 82912.04)}


def test_unknown_ids_are_404_with_a_message(http):
    for path in ("/departments/nope", "/reports/nope", "/queries/nope"):
        response = http.get(path)
        assert response.status_code == 404
        assert "error" in response.json()


def test_indicators_filter_and_paginate(http):
    everything = http.get("/indicators", params={"limit": 1000}).json()
    assert everything["total"] == 125 and len(everything["items"]) == 125
    page = http.get("/indicators", params={"limit": 10, "offset": 10}).json()
    assert [i["id"] for i in page["items"]] == [i["id"] for i in everything["items"][10:20]]
    below = http.get("/indicators", params={"status": "not_met"}).json()
    assert below["total"] == 4
    waste = http.get("/indicators", params={"topic": "生活垃圾"}).json()
    assert waste["total"] >= 2 and all("waste_sorting" in i["topics"] for i in waste["items"])
    huangpu_2021 = http.get("/indicators", params={"district": "黄埔", "year": 2021}).json()
    assert huangpu_2021["total"] == 93 and {i["department"] for i in huangpu_2021["items"]} == {"文冲街道"}
    keyed = http.get("/indicators", params={"category": "关键指标"}).json()
    assert keyed["total"] == 16
    task = http.get("/indicators", params={"task": "城乡管理治理上水平"}).json()
    assert task["total"] == 10  # nine in its 年度指标值 list and 拆除违法建设


def test_bad_filters_are_client_errors(http):
    assert http.get("/indicators", params={"status": "maybe"}).status_code == 422
    assert http.get("/indicators", params={"topic": "no such topic"}).status_code == 400
    assert http.get("/indicators", params={"limit": 0}).status_code == 422
