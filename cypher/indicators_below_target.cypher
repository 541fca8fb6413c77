// @name indicators_below_target
// @summary Indicators a report marks below target (status not_met), with the sentence or table row that says so.
// @description The flagship question: which departments reported which indicators below target, where and when.
//   Filters combine; leave one out to widen the search. Reports whose department could not be identified are
//   not listed (they have no Department).
// @param topic: topic = null — Policy topic: a slug (waste_sorting), its Chinese label (垃圾分类) or any alternative label (生活垃圾); narrower topics are included
// @param year: integer = null — Budget year of the report, e.g. 2021
// @param district: string = null — District name or part of it, e.g. 黄埔区 or 黄埔
// @param department: string = null — Department id, full name or part of it, e.g. 荔城 or 荔城街道
// @param report_kind: string = null in [department_report, department_form, project_report, project_form, target_declaration, other] — Only indicators of this kind of report: a department's narrative report or self-evaluation form, a project's report or form, a target declaration (targets, no actuals), or a neighbouring text (other)
// @param project: string = null — Part of the name of the project the indicator measures (project reports and forms), e.g. 饮水
// @example perfkg query indicators_below_target -p topic=垃圾分类 -p year=2022
// @example perfkg query indicators_below_target -p department=荔城 --format csv
// The indicators to look at: when a topic is given, those reached from its
// Topic nodes through ABOUT; else every not-met one. Collected first, so the rest starts
// from them, not from every department's every indicator.
OPTIONAL MATCH (topic:Topic) WHERE topic.id IN $topics
OPTIONAL MATCH (topic)<-[:ABOUT]-(about:Indicator) WHERE about.status = 'not_met'
WITH collect(DISTINCT about) AS topical
OPTIONAL MATCH (every:Indicator)
WHERE $topics IS NULL AND every.status = 'not_met'
WITH topical, collect(every) AS every
UNWIND topical + every AS i
WITH i
MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i)
WHERE ($year IS NULL OR r.year = $year)
  AND ($department IS NULL OR d.id = $department OR d.name CONTAINS $department)
  AND ($report_kind IS NULL OR r.kind = $report_kind)
OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District)
WITH d, r, i, x
WHERE $district IS NULL OR x.name CONTAINS $district
OPTIONAL MATCH (project:Project)-[:MEASURED_BY]->(i)
WITH d, r, i, x, project
WHERE $project IS NULL OR project.name CONTAINS $project
OPTIONAL MATCH (i)-[:ABOUT]->(t:Topic)
// Sorted before they are collected: a list comes back in the same order from every store.
WITH d, r, i, x, project, t ORDER BY t.id
WITH d, r, i, x, project, collect(t.id) AS topics
OPTIONAL MATCH (task:Task)-[:MEASURED_BY]->(i)
RETURN d.short_name AS department, x.name AS district, r.year AS year, i.name AS indicator,
       i.category AS category, i.target_text AS target, i.actual_text AS actual, i.unit AS unit,
       i.completion_rate AS completion_rate, task.name AS task, project.name AS project, r.kind AS report_kind, topics,
       i.read_by AS read_by, i.flags AS flags, r.source_file AS source_file, i.evidence AS evidence, r.id AS report_id,
       i.id AS indicator_id, d.id AS department_id
ORDER BY year DESC, department, indicator, source_file, task, indicator_id
