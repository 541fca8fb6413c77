// @name topic_coverage
// @summary Department × topic: how many indicators, tasks and outcomes of each report are about each topic.
// @description A map of what each department reports on. A node about two topics counts under both; `evidence`
//   quotes one of the nodes counted.
// @param topic: topic = null — Only this topic and its narrower topics
// @param year: integer = null — Budget year of the report
// @param department: string = null — Department id, full name or part of it
// @example perfkg query topic_coverage -p year=2022
MATCH (d:Department)-[:PUBLISHED]->(r:Report)
WHERE ($year IS NULL OR r.year = $year)
  AND ($department IS NULL OR d.id = $department OR d.name CONTAINS $department)
MATCH (r)-[:HAS_INDICATOR|HAS_TASK|REPORTS_OUTCOME]->(n)-[:ABOUT]->(t:Topic)
WHERE $topics IS NULL OR t.id IN $topics
WITH d, r, t, n ORDER BY CASE WHEN n:Indicator THEN 0 WHEN n:Task THEN 1 ELSE 2 END, n.ordinal
WITH d, r, t, collect(DISTINCT n) AS nodes
RETURN d.short_name AS department, r.year AS year, t.id AS topic, t.name_zh AS topic_zh,
       size([x IN nodes WHERE x:Indicator]) AS indicators,
       size([x IN nodes WHERE x:Task]) AS tasks,
       size([x IN nodes WHERE x:Outcome]) AS outcomes,
       r.source_file AS source_file, [x IN nodes | x.evidence][0] AS evidence
ORDER BY department, year, topic
