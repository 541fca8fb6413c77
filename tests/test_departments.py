"""One Department per office: its names across documents resolved on the
evidence of name and place, never on a short name alone; county governments
are places, not departments."""

import json

import pytest
from typer.testing import CliRunner

from perfkg.cli import app
from perfkg.client import Client
from perfkg.ingest.departments import identify
from perfkg.identity_eval import department_merges
from perfkg.ingest.model import DepartmentFacts

from conftest import CORPUS, EXAMPLES, GOLD


def _golds() -> list[dict]:
    if not GOLD.is_dir():
        pytest.skip(f"gold annotations not found at {GOLD} (set PERFKG_SHARED)")
    return [json.loads(p.read_text(encoding="utf-8")) for folder in (GOLD, CORPUS / "gold")
            for p in sorted(folder.glob("*.json"))]


def _traditional(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("s2t").convert(text)


def test_every_department_of_the_gold_is_one_office_however_it_is_written():
    """The gold's full name with its place, and the ways other documents write the
    same office: its short name, without its places, in traditional characters,
    as （本级）."""
    checked = 0
    for gold in _golds():
        department = gold["department"]
        if not department.get("name"):
            continue
        district, city = department.get("district"), department.get("city")
        office = identify(DepartmentFacts(department["name"], department.get("short_name"), district, city))
        if office.is_place_government or office.place.code is None and not district:
            continue  # no place known: only the exact name is evidence
        written = [department["name"], _traditional(department["name"]), department["name"] + "（本级）"]
        if department.get("short_name") and district:
            written += [department["short_name"], f"{district}{department['short_name']}"]
        for name in written:
            assert identify(DepartmentFacts(name, None, district, city)).id == office.id, (name, office.basis)
        checked += 1
    assert checked >= 20


def test_distinct_offices_of_the_gold_never_share_an_id():
    ids = {}
    for gold in _golds():
        department = gold["department"]
        if department.get("name"):
            facts = DepartmentFacts(department["name"], department.get("short_name"), department.get("district"),
                                    department.get("city"))
            ids.setdefault(identify(facts).id, set()).add(department["name"])
    assert all(len(names) == 1 for names in ids.values()), [n for n in ids.values() if len(n) > 1]


@pytest.mark.parametrize("a, b", [
    (("夏港街道办事处", "黄埔区", "广州市"), ("夏港街道办事处", "荔湾区", "广州市")),  # another district
    (("民政局", None, None), ("区民政局", None, None)),  # no place: only the exact name
    (("民政局", "大英县", None), ("民政局", None, None)),  # a short name alone is no evidence
    (("夏港街道办事处", "黄埔区", None), ("夏港镇人民政府", "黄埔区", None)),  # a town is not a sub-district
])
def test_look_alike_offices_stay_apart(a, b):
    assert identify(DepartmentFacts(a[0], None, *a[1:])).id != identify(DepartmentFacts(b[0], None, *b[1:])).id


def test_a_county_government_is_a_place_not_a_department(backend, tmp_path):
    county = next(p for p in (CORPUS / "docs").glob("d25*"))
    project = next(p for p in (CORPUS / "docs").glob("d21*"))
    with Client.open(settings=backend.empty()) as client:
        client.ingest([county, project])
        names = {d["name"] for d in client.departments()}
        assert not any(n.endswith(("县人民政府", "区人民政府")) for n in names), names
        placed = client.read("MATCH (r:Report)-[:IN_DISTRICT]->(d:District) RETURN d.name").rows
        assert ["围场县"] in placed or any("围场" in row[0] for row in placed)


def test_the_aliases_of_an_office_are_listed_with_why(backend, tmp_path):
    source = (EXAMPLES / "004_a0655f5b282921e2.txt").read_text(encoding="utf-8")
    full = "广州市增城区人民政府荔城街道办事处"
    assert full in source
    (tmp_path / "a.txt").write_text(source, encoding="utf-8")
    (tmp_path / "b.txt").write_text(source.replace(full, "增城区荔城街道办事處").replace("2021", "2022"), encoding="utf-8")
    settings = backend.empty()
    with Client.open(settings=settings) as client:
        client.ingest([tmp_path / "b.txt"])
        client.ingest([tmp_path / "a.txt"])
        offices = [d for d in client.departments() if "荔城" in d["name"]]
    assert len(offices) == 1 and offices[0]["reports"] == 2
    assert offices[0]["aliases"] == sorted([full, "增城区荔城街道办事處"]) and offices[0]["name"] == full
    assert offices[0]["town"] == "荔城街道" and offices[0]["district"] == "增城区" and offices[0]["province"] == "广东省"
    result = CliRunner().invoke(app, ["departments", "--aliases", "--format", "json", "--store", settings.store],
                                env=backend.env(settings))
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [d["aliases"] for d in listed] == [offices[0]["aliases"]]
    assert "荔城街道" in listed[0]["identity"] and "440118" in listed[0]["identity"]


def test_no_two_offices_merge_among_synthetic_look_alikes():
    found = department_merges(300, EXAMPLES, CORPUS / "docs")
    assert found["wrong_merges"] == {} and found["splits"] == {}
    assert found["departments"] == found["offices"] >= 250
