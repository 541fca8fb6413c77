"""Identity that never merges two documents: only a newer version of the
same document (its department, year, kind and projects; or its very bytes
when its department or year is unknown) replaces it. Ingested into a real store."""

from perfkg.ingest.runner import ingest

NARRATIVE = "某县民政局2022年度部门整体支出绩效自评报告\n一、部门基本情况\n某县民政局负责全县民政工作。\n"
FORM = "某县民政局2022年度部门整体支出绩效自评表\n部门名称\t某县民政局\n年度资金总额\t100\t100\t95\n"
PROJECT = ("项目支出绩效自评表\n(2022年度)\n项目名称 | {name}\n实施单位 | 某县民政局\n"
           "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值\n产出指标 | 数量指标 | 救助人次 | 100人次 | {done}人次\n")
FRAGMENT = "绩效自评表的一页，没有写明部门：{what}完成率100%。\n"


def _ingest(store, tmp_path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return ingest(store, [tmp_path / name for name in files])


def _reports(store) -> list[tuple]:
    return sorted(tuple(row) for row in store.read(
        "MATCH (r:Report) OPTIONAL MATCH (r)-[:EVALUATES]->(p:Project) RETURN r.kind, r.source_file, p.name").rows)


def test_a_departments_form_and_its_narrative_report_of_one_year_both_stay(store, tmp_path):
    outcomes = _ingest(store, tmp_path, {"report.txt": NARRATIVE, "form.txt": FORM})
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert _reports(store) == [("department_form", "form.txt", None), ("department_report", "report.txt", None)]


def test_each_project_of_a_department_and_year_stays(store, tmp_path):
    _ingest(store, tmp_path, {"a.txt": PROJECT.format(name="临时救助项目", done=100),
                              "b.txt": PROJECT.format(name="残疾人两项补贴项目", done=90)})
    assert _reports(store) == [("project_form", "a.txt", "临时救助项目"), ("project_form", "b.txt", "残疾人两项补贴项目")]
    # Both projects belong to the department that carried them out.
    assert store.read("MATCH (:Department {name: '某县民政局'})-[:RESPONSIBLE_FOR]->(p:Project) "
                      "RETURN count(p)").rows == [[2]]


def test_documents_of_unknown_department_never_replace_each_other(store, tmp_path):
    outcomes = _ingest(store, tmp_path, {"p1.txt": FRAGMENT.format(what="培训"),
                                         "p2.txt": FRAGMENT.format(what="宣传")})
    assert [(o.status, o.replaced) for o in outcomes] == [("loaded", []), ("loaded", [])]
    assert len(_reports(store)) == 2


def test_a_newer_version_of_the_same_document_replaces_it_whole(store, tmp_path):
    _ingest(store, tmp_path, {"v1.txt": PROJECT.format(name="临时救助项目", done=90)})
    [outcome] = _ingest(store, tmp_path, {"v2.txt": PROJECT.format(name="临时救助项目", done=100)})
    assert (outcome.status, outcome.replaced) == ("replaced", ["v1.txt"])
    assert _reports(store) == [("project_form", "v2.txt", "临时救助项目")]
    assert store.read("MATCH (i:Indicator) RETURN i.actual_text, i.status").rows == [["100人次", "met"]]
    # The project outlives the version it was first read from: one node, evaluated by the newer report.
    assert store.read("MATCH (p:Project) RETURN count(p)").rows == [[1]]


def test_the_same_file_ingested_again_replaces_itself(store, tmp_path):
    _ingest(store, tmp_path, {"p1.txt": FRAGMENT.format(what="培训")})
    [outcome] = _ingest(store, tmp_path, {"p1.txt": FRAGMENT.format(what="培训")})
    assert outcome.status == "replaced"
    assert len(_reports(store)) == 1


UNNAMED = ("项目支出绩效自评表\n(2022年度)\n实施单位 | 某县民政局\n"
           "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值\n产出指标 | 数量指标 | {what} | 100人次 | 90人次\n")


def test_twenty_project_forms_of_one_department_and_year_are_twenty_reports(store, tmp_path):
    files = {f"p{n:02d}.txt": PROJECT.format(name=f"第{n}号救助项目", done=90 + n) for n in range(20)}
    outcomes = _ingest(store, tmp_path, files)
    assert [o.status for o in outcomes] == ["loaded"] * 20
    assert store.read("MATCH (r:Report) RETURN count(r)").rows == [[20]]


def test_project_forms_whose_project_is_not_read_never_replace_each_other(store, tmp_path):
    outcomes = _ingest(store, tmp_path, {"a.txt": UNNAMED.format(what="救助人次"), "b.txt": UNNAMED.format(what="走访户数")})
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert [r[1] for r in _reports(store)] == ["a.txt", "b.txt"]
