// @name compare_departments
// @summary One topic side by side across departments: how many indicators, how many met or not, how many tasks.
// @description Departments that report nothing on the topic still get a row (with zeros), so gaps show.
// @param topic: topic = waste_sorting — Policy topic (slug, Chinese label or alternative label); narrower topics included
// @param year: integer = null — Budget year
// @example perfkg query compare_departments -p topic=疫情防控
MATCH (d:Department)-[:PUBLISHED]->(r:Report)
WHERE $year IS NULL OR r.year = $year
OPTIONAL MATCH (r)-[:HAS_INDICATOR]->(i:Indicator)-[:ABOUT]->(t:Topic)
WHERE t.id IN $topics
WITH d, r, i ORDER BY i.ordinal, i.id
WITH d, r, collect(DISTINCT i) AS indicators
OPTIONAL MATCH (r)-[:HAS_TASK]->(k:Task)-[:ABOUT]->(t2:Topic)
WHERE t2.id IN $topics
WITH d, r, indicators, collect(DISTINCT k) AS tasks
RETURN d.short_name AS department, r.year AS year, size(indicators) AS indicators,
       size([i IN indicators WHERE i.status = 'met']) AS met,
       size([i IN indicators WHERE i.status = 'not_met']) AS not_met,
       size([i IN indicators WHERE i.status = 'unknown']) AS unknown,
       size(tasks) AS tasks, [i IN indicators | i.name][0..5] AS examples,
       r.source_file AS source_file, [i IN indicators | i.evidence][0..3] AS evidence
ORDER BY indicators DESC, department, year, source_file
