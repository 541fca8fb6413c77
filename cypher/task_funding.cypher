// @name task_funding
// @summary Tasks with the money allocated to them and how their indicators fared (met / not met / unknown).
// @description `allocated` sums the task's own funds in 万元 (任务涉及资金, or a project's budget); null when the report
//   gives the task no money. Sorted by allocation, largest first.
// @param year: integer = null — Budget year
// @param department: string = null — Department id, full name or part of it
// @param topic: topic = null — Only tasks about this topic (narrower topics included)
// @example perfkg query task_funding -p department=文冲
MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_TASK]->(t:Task)
WHERE ($year IS NULL OR r.year = $year)
  AND ($department IS NULL OR d.id = $department OR d.name CONTAINS $department)
OPTIONAL MATCH (t)-[:ABOUT]->(tp:Topic)
// Sorted before they are collected: a list comes back in the same order from every store.
WITH d, r, t, tp ORDER BY tp.id
WITH d, r, t, collect(tp.id) AS topics
WHERE $topics IS NULL OR any(s IN topics WHERE s IN $topics)
OPTIONAL MATCH (t)-[:FUNDED_BY]->(f:Fund)
WHERE f.kind IN ['task_allocation', 'budget']
WITH d, r, t, topics, f ORDER BY f.ordinal, f.id
// A sum of decimals in 万元, rounded to the 0.01 元 the sources give at most: the stores
// print doubles to different precision, so an unrounded sum could differ in its last digits.
WITH d, r, t, topics, round(1000000 * sum(f.amount)) / 1000000.0 AS amount, count(f) AS funds,
     collect(f.evidence) AS fund_evidence
OPTIONAL MATCH (t)-[:MEASURED_BY]->(i:Indicator)
WITH d, r, t, topics, amount, funds, fund_evidence, collect(i) AS indicators
RETURN d.short_name AS department, r.year AS year, t.ordinal AS ordinal, t.name AS task, t.kind AS kind,
       CASE WHEN funds > 0 THEN amount ELSE null END AS allocated,
       size(indicators) AS indicators,
       size([i IN indicators WHERE i.status = 'met']) AS met,
       size([i IN indicators WHERE i.status = 'not_met']) AS not_met,
       size([i IN indicators WHERE i.status = 'unknown']) AS unknown,
       topics, r.source_file AS source_file, coalesce(fund_evidence[0], t.evidence) AS evidence
ORDER BY coalesce(allocated, -1.0) DESC, department, year, source_file, ordinal
