// @name department_over_years
// @summary One department's indicators across the years loaded, grouped by the metric they measure, so a measure can be followed whatever each year's report calls it.
// @param department: string = required — Department id, full name or part of it
// @param topic: topic = null — Only indicators about this topic (narrower topics included)
// @example perfkg query department_over_years -p department=荔城街道
MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i:Indicator)
WHERE d.id = $department OR d.name CONTAINS $department
OPTIONAL MATCH (i)-[:ABOUT]->(t:Topic)
// Sorted before they are collected: a list comes back in the same order from every store.
WITH d, r, i, t ORDER BY t.id
WITH d, r, i, collect(t.id) AS topics
WHERE $topics IS NULL OR any(s IN topics WHERE s IN $topics)
OPTIONAL MATCH (i)-[:MEASURES]->(m:Metric)
RETURN d.short_name AS department, coalesce(m.name, i.name) AS metric, i.name AS indicator, r.year AS year,
       i.target_text AS target, i.actual_text AS actual, i.status AS status, i.unit AS unit,
       i.actual_value AS actual_value, topics, m.id AS metric_id, r.source_file AS source_file,
       i.evidence AS evidence
ORDER BY department, metric, year, indicator, source_file
