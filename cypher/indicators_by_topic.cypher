// @name indicators_by_topic
// @summary Every indicator about a policy topic, met or not, across departments and years.
// @param topic: topic = null — Policy topic or sector (slug, Chinese label or alternative label), or a function of expenditure (卫生健康支出, or its code 210); narrower topics are included; all indicators when left out
// @param status: string = null in [met, not_met, unknown] — Only indicators with this status
// @param year: integer = null — Budget year of the report
// @param department: string = null — Department id, full name or part of it
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
OPTIONAL MATCH (i)-[:ABOUT]->(t:Topic)
WITH d, r, i, collect(t.id) AS topics
RETURN d.short_name AS department, r.year AS year, i.name AS indicator, i.category AS category,
       i.target_text AS target, i.actual_text AS actual, i.status AS status, topics,
       r.source_file AS source_file, i.evidence AS evidence, i.id AS indicator_id
ORDER BY year DESC, department, indicator, source_file, indicator_id
