// @name projects
// @summary Projects and the reports that evaluate them: who is responsible, who carries them out, money, score and how their indicators fared.
// @description One row per project and evaluating report, newest first. `responsible` is the department
//   responsible for the project (the form's 主管部门, else the reporting department), `implementing_unit` the form's
//   实施单位. `budget` and `expenditure` are the project's total amounts in 万元 as the report states them; `met`,
//   `not_met` and `unknown` count the indicators measuring the project in that report. `evidence` quotes the
//   project's name where the report gives it.
// @param project: string = null — Part of the project's name, e.g. 饮水
// @param department: string = null — Department id, full name or part of it: the responsible department or the one that reported
// @param year: integer = null — Budget year of the report
// @param report_kind: string = null in [department_report, department_form, project_report, project_form, target_declaration, other] — Only projects evaluated by this kind of report
// @example perfkg query projects -p project=饮水
// @example perfkg query projects -p report_kind=target_declaration -p year=2022
MATCH (r:Report)-[:EVALUATES]->(p:Project)
WHERE ($year IS NULL OR r.year = $year) AND ($report_kind IS NULL OR r.kind = $report_kind)
  AND ($project IS NULL OR p.name CONTAINS $project)
OPTIONAL MATCH (reporter:Department)-[:PUBLISHED]->(r)
OPTIONAL MATCH (responsible:Department)-[:RESPONSIBLE_FOR]->(p)
WITH r, p, reporter, responsible
WHERE $department IS NULL
   OR reporter.id = $department OR reporter.name CONTAINS $department
   OR responsible.id = $department OR responsible.name CONTAINS $department
OPTIONAL MATCH (r)-[:HAS_INDICATOR]->(i:Indicator)<-[:MEASURED_BY]-(p)
WITH r, p, reporter, responsible, count(i) AS indicators,
     count(CASE WHEN i.status = 'met' THEN 1 END) AS met,
     count(CASE WHEN i.status = 'not_met' THEN 1 END) AS not_met,
     count(CASE WHEN i.status = 'unknown' THEN 1 END) AS unknown
OPTIONAL MATCH (r)-[:HAS_FUND]->(b:Fund {kind: 'budget', source: 'total'})<-[:FUNDED_BY]-(p)
WITH r, p, reporter, responsible, indicators, met, not_met, unknown, b ORDER BY b.ordinal
WITH r, p, reporter, responsible, indicators, met, not_met, unknown, collect(b)[0] AS b
OPTIONAL MATCH (r)-[:HAS_FUND]->(e:Fund {kind: 'expenditure', source: 'total'})<-[:FUNDED_BY]-(p)
WITH r, p, reporter, responsible, indicators, met, not_met, unknown, b, e ORDER BY e.ordinal
WITH r, p, reporter, responsible, indicators, met, not_met, unknown, b, collect(e)[0] AS e
RETURN p.name AS project, r.year AS year, r.kind AS report_kind, responsible.short_name AS responsible,
       reporter.short_name AS reported_by, p.implementing_unit AS implementing_unit, b.amount AS budget,
       e.amount AS expenditure, r.execution_rate AS execution_rate, r.self_score AS self_score,
       r.self_grade AS self_grade, indicators, met, not_met, unknown, r.source_file AS source_file,
       p.evidence AS evidence, r.id AS report_id, p.id AS project_id
ORDER BY year DESC, project, source_file, report_id
