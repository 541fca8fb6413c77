// @name indicators_by_topic
// @summary Every indicator about a policy topic, met or not, across departments and years.
// @param topic: topic = null — Policy topic or sector (slug, Chinese label or alternative label), or a function of expenditure (卫生健康支出, or its code 210); narrower topics are included; all indicators when left out
// @param status: string = null in [met, not_met, unknown] — Only indicators with this status
// @param year: integer = null — Budget year of the report
// @param department: string = null — Department id, full name or part of it
// @param report_kind: string = null in [department_report, department_form, project_report, project_form, target_declaration, other] — Only indicators of this kind of report: a department's narrative report or self-evaluation form, a project's report or form, a target declaration (targets, no actuals), or a neighbouring text (other)
// @param project: string = null — Part of the name of the project the indicator measures (project reports and forms), e.g. 饮水
// @example perfkg query indicators_by_topic -p topic=epidemic_prevention
// @example perfkg query indicators_by_topic -p topic=生活垃圾 -p status=met
// @example perfkg query indicators_by_topic -p topic=卫生健康支出
// The indicators to look at: when a topic is given, those reached from its
// Topic nodes through ABOUT; else every one. Collected first, so the rest starts
// from them, not from every department's every indicator.
OPTIONAL MATCH (topic:Topic) WHERE topic.id IN $topics
OPTIONAL MATCH (topic)<-[:ABOUT]-(about:Indicator) WHERE ($status IS NULL OR about.status = $status)
WITH collect(DISTINCT about) AS topical
OPTIONAL MATCH (every:Indicator)
WHERE $topics IS NULL AND ($status IS NULL OR every.status = $status)
WITH topical, collect(every) AS every
UNWIND topical + every AS i
WITH i
MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i)
WHERE ($year IS NULL OR r.year = $year)
  AND ($department IS NULL OR d.id = $department OR d.name CONTAINS $department)
  AND ($report_kind IS NULL OR r.kind = $report_kind)
OPTIONAL MATCH (project:Project)-[:MEASURED_BY]->(i)
WITH d, r, i, project
WHERE $project IS NULL OR project.name CONTAINS $project
// An indicator's topics are its ABOUT relationships' ids, sorted, held on it (i.topics).
RETURN d.short_name AS department, r.year AS year, i.name AS indicator, i.category AS category,
       i.target_text AS target, i.actual_text AS actual, i.status AS status, project.name AS project,
       r.kind AS report_kind, coalesce(i.topics, []) AS topics, i.read_by AS read_by, i.flags AS flags,
       r.source_file AS source_file, i.evidence AS evidence, i.id AS indicator_id
ORDER BY year DESC, department, indicator, source_file, indicator_id
