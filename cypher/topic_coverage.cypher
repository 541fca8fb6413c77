// @name topic_coverage
// @summary Department × topic: how many indicators, tasks and outcomes of each report are about each topic.
// @description A map of what each department reports on. A node about two topics counts under both; `evidence`
//   quotes the first indicator counted, else the first task, else the first outcome.
// @param topic: topic = null — Only this topic and its narrower topics
// @param year: integer = null — Budget year of the report
// @param department: string = null — Department id, full name or part of it
// @example perfkg query topic_coverage -p year=2022
MATCH (d:Department)-[:PUBLISHED]->(r:Report)
WHERE ($year IS NULL OR r.year = $year)
  AND ($department IS NULL OR d.id = $department OR d.name CONTAINS $department)
MATCH (r)-[:HAS_INDICATOR|HAS_TASK|REPORTS_OUTCOME]->(n)-[:ABOUT]->(t:Topic)
WHERE $topics IS NULL OR t.id IN $topics
WITH d, r, t, collect(DISTINCT n) AS nodes
WITH d, r, t, nodes, [x IN nodes WHERE x:Indicator] AS indicators, [x IN nodes WHERE x:Task] AS tasks
WITH d, r, t, nodes, indicators, tasks,
     CASE WHEN size(indicators) > 0 THEN indicators WHEN size(tasks) > 0 THEN tasks ELSE nodes END AS quotable
RETURN d.short_name AS department, r.year AS year, t.id AS topic, t.name_zh AS topic_zh,
       size(indicators) AS indicators, size(tasks) AS tasks, size(nodes) - size(indicators) - size(tasks) AS outcomes,
       r.source_file AS source_file,
       reduce(first = head(quotable), x IN quotable | CASE WHEN x.ordinal < first.ordinal THEN x ELSE first END).evidence
         AS evidence
ORDER BY department, year, source_file, topic
