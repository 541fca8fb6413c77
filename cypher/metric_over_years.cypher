// @name metric_over_years
// @summary One metric across departments and years: every indicator that measures it, whatever its report calls it, with target, actual and status.
// @description The metric is found by its id or by any of its labels: its name, a name a report gives it
//   (辖区内群众满意度) or its normalised key. One row per indicator.
// @param metric: string = required — A metric's id or any of its labels, e.g. 群众满意度
// @param department: string = null — Department id, full name or part of it
// @example perfkg query metric_over_years -p metric=群众满意度
MATCH (m:Metric)
WHERE m.id = $metric OR m.name = $metric OR $metric IN m.aliases OR $metric IN m.keys
MATCH (m)<-[:MEASURES]-(i:Indicator)<-[:HAS_INDICATOR]-(r:Report)
OPTIONAL MATCH (d:Department)-[:PUBLISHED]->(r)
WITH m, i, r, d
WHERE $department IS NULL OR d.id = $department OR d.name CONTAINS $department
RETURN m.name AS metric, coalesce(d.short_name, d.name) AS department, r.year AS year, i.name AS indicator,
       i.target_text AS target, i.actual_text AS actual, i.status AS status, i.target_value AS target_value,
       i.actual_value AS actual_value, i.unit AS unit, i.completion_rate AS completion_rate,
       i.metric_score AS metric_score, d.id AS department_id, m.id AS metric_id, r.source_file AS source_file,
       i.read_by AS read_by, i.flags AS flags, i.evidence AS evidence, i.id AS indicator_id, r.id AS report_id
ORDER BY year, department, indicator, source_file, indicator_id
