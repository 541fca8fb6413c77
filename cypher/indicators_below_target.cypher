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
// The indicators to look at, with their report and department: when a topic is given,
// those reached from its Topic nodes through ABOUT, collected first, so the rest starts from
// them, not from every department's every indicator; else every indicator below target,
// matched in one pass (its UNWIND runs that MATCH once, or not at all when a topic is given).
// The departments of the district and the indicators of the project asked for are collected
// once (nothing when not asked): testing each row against them costs far less than matching
// each row's district and projects before the rows are sorted.
OPTIONAL MATCH (in_district:Department)-[:IN_DISTRICT]->(district:District)
WHERE $district IS NOT NULL AND district.name CONTAINS $district
WITH CASE WHEN $district IS NULL THEN null ELSE collect(in_district) END AS in_district
OPTIONAL MATCH (named:Project)-[:MEASURED_BY]->(of_project:Indicator)
WHERE $project IS NOT NULL AND named.name CONTAINS $project
WITH in_district, CASE WHEN $project IS NULL THEN null ELSE collect(of_project) END AS of_project
CALL {
  OPTIONAL MATCH (topic:Topic) WHERE topic.id IN $topics
  OPTIONAL MATCH (topic)<-[:ABOUT]-(about:NotMetIndicator)
  WITH collect(DISTINCT about) AS topical
  UNWIND topical AS i
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i)
  RETURN d, r, i
  UNION ALL
  UNWIND CASE WHEN $topics IS NULL THEN [true] ELSE [] END AS every
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i:NotMetIndicator)
  RETURN d, r, i
}
WITH d, r, i, in_district, of_project
WHERE ($year IS NULL OR r.year = $year)
  AND ($department IS NULL OR d.id = $department OR d.name CONTAINS $department)
  AND ($report_kind IS NULL OR r.kind = $report_kind)
  AND ($district IS NULL OR d IN in_district)
  AND ($project IS NULL OR i IN of_project)
// Sorted and cut to the page asked for ($page_end: the rows up to its end) before the
// rest is looked up: each of these rows gives one row of the answer or more, which the
// final ORDER BY keeps together and in this order.
WITH d, r, i ORDER BY r.year DESC, d.short_name, i.name, r.source_file, i.id, d.id LIMIT $page_end
// (A department is in one district at most. An OPTIONAL MATCH with a WHERE of its own
// would be run row by row on FalkorDB: its projects are filtered after.)
OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District)
OPTIONAL MATCH (project:Project)-[:MEASURED_BY]->(i)
WITH d, r, i, x, project
WHERE $project IS NULL OR project.name CONTAINS $project
OPTIONAL MATCH (task:Task)-[:MEASURED_BY]->(i)
// An indicator's topics are its ABOUT relationships' ids, sorted, held on it (i.topics):
// collecting them from the relationships took over a quarter of the database's time here.
RETURN d.short_name AS department, x.name AS district, r.year AS year, i.name AS indicator,
       i.category AS category, i.target_text AS target, i.actual_text AS actual, i.unit AS unit,
       i.completion_rate AS completion_rate, task.name AS task, project.name AS project, r.kind AS report_kind,
       coalesce(i.topics, []) AS topics,
       i.read_by AS read_by, i.flags AS flags, r.source_file AS source_file, i.evidence AS evidence,
       r.id AS report_id, i.id AS indicator_id, d.id AS department_id
ORDER BY year DESC, department, indicator, source_file, indicator_id, department_id, task, project
