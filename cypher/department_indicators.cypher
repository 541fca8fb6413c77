// @name department_indicators
// @summary A department's indicators over all its reports, those below target first, by category.
// @description One row per indicator: not met first, then unknown, then met; within a status by category, year
//   (newest first) and the order the report gives them. `category` is the indicator's category as the report
//   names it (数量指标, 关键指标, …); `read_by` how it was read, `flags` what the checks of its values found odd.
// @param department: string = required — Department id, full name or part of it, e.g. 荔城
// @param year: integer = null — Budget year; all years when left out
// @param status: string = null in [met, not_met, unknown] — Only indicators with this status
// @example perfkg query department_indicators -p department=荔城
// Departments first (a few thousand at most), then only their indicators.
MATCH (d:Department)
WHERE d.id = $department OR d.name CONTAINS $department
// A barrier for both planners (DISTINCT, because Neo4j's sees through a plain WITH): else
// the embedded store's would start from every Fund or Indicator, Neo4j's from every Report.
WITH DISTINCT d
MATCH (d)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i:Indicator)
WHERE ($year IS NULL OR r.year = $year) AND ($status IS NULL OR i.status = $status)
OPTIONAL MATCH (i)-[:ABOUT]->(t:Topic)
// Sorted before they are collected: a list comes back in the same order from every store.
WITH d, r, i, t ORDER BY t.id
WITH d, r, i, collect(t.id) AS topics
RETURN d.short_name AS department, r.year AS year, i.category AS category, i.name AS indicator,
       i.target_text AS target, i.actual_text AS actual, i.unit AS unit, i.completion_rate AS completion_rate,
       i.status AS status, topics, i.read_by AS read_by, i.flags AS flags, r.source_file AS source_file, i.evidence AS evidence,
       r.id AS report_id, i.id AS indicator_id
ORDER BY CASE status WHEN 'not_met' THEN 0 WHEN 'unknown' THEN 1 ELSE 2 END, category, year DESC, source_file, i.ordinal
