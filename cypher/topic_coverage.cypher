// @name topic_coverage
// @summary Department × topic: how many indicators, tasks and outcomes of each report are about each topic.
// @description A map of what each department reports on. A node about two topics counts under both.
// @param topic: topic = null — Only this topic and its narrower topics
// @param year: integer = null — Budget year of the report
// @param department: string = null — Department id, full name or part of it
// @example perfkg query topic_coverage -p year=2022
MATCH (d:Department)-[:PUBLISHED]->(r:Report)
WHERE ($year IS NULL OR r.year = $year)
  AND ($department IS NULL OR d.id = $department OR d.name CONTAINS $department)
MATCH (r)-[:HAS_INDICATOR|HAS_TASK|REPORTS_OUTCOME]->(n)-[:ABOUT]->(t:Topic)
WHERE $topics IS NULL OR t.id IN $topics
WITH d, r, t, labels(n)[0] AS kind, count(DISTINCT n) AS found
WITH d, r, t,
     sum(CASE WHEN kind = 'Indicator' THEN found ELSE 0 END) AS indicators,
     sum(CASE WHEN kind = 'Task' THEN found ELSE 0 END) AS tasks,
     sum(CASE WHEN kind = 'Outcome' THEN found ELSE 0 END) AS outcomes
RETURN d.short_name AS department, r.year AS year, t.id AS topic, t.name_zh AS topic_zh,
       indicators, tasks, outcomes, r.source_file AS source_file
ORDER BY department, year, topic
