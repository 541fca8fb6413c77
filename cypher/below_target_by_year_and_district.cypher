// @name below_target_by_year_and_district
// @summary Indicators below target counted by year and district: how many, from how many departments, and how complete they were.
// @description The figures behind the explorer's chart of the flagship question. `mean_completion_rate` averages
//   the completion rates the reports state (完成率) for these indicators, over those that state one. `evidence`
//   quotes one of them (the first by id). Filters combine, as in `indicators_below_target`; without a topic, every indicator below target counts.
// @param topic: topic = null — Policy topic (slug, Chinese label or alternative label); narrower topics included
// @param year: integer = null — Budget year
// @param district: string = null — District name or part of it
// @param department: string = null — Department id, full name or part of it, e.g. 荔城
// @example perfkg query below_target_by_year_and_district -p topic=城市更新
// The indicators to count: those below target (their NotMetIndicator label
// finds them without reading a property), reached from the topic's Topic
// nodes through ABOUT when a topic is given, each once. Collected first, so
// the rest starts from them.
OPTIONAL MATCH (topic:Topic) WHERE topic.id IN $topics
OPTIONAL MATCH (topic)<-[:ABOUT]-(about:NotMetIndicator)
WITH collect(DISTINCT about) AS topical
OPTIONAL MATCH (every:NotMetIndicator)
WHERE $topics IS NULL
WITH topical, collect(every) AS every
UNWIND topical + every AS i
WITH i
MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i)
WHERE ($year IS NULL OR r.year = $year)
  AND ($department IS NULL OR d.id = $department OR d.name CONTAINS $department)
OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District)
WITH d, r, i, x
WHERE $district IS NULL OR x.name CONTAINS $district
// The mean rounded to six decimals: the stores add up doubles in their own order and print them
// to different precision, so an unrounded mean could differ in its last digits.
WITH r.year AS year, x.name AS district, count(DISTINCT d) AS departments, count(i) AS indicators,
     round(1000000 * avg(i.completion_rate)) / 1000000.0 AS mean_completion_rate, min(i.id) AS quoted
// The quoted indicator looked up once per group (cheaper than carrying every evidence along).
MATCH (r:Report)-[:HAS_INDICATOR]->(q:Indicator {id: quoted})
RETURN year, district, departments, indicators, mean_completion_rate,
       r.source_file AS source_file, q.evidence AS evidence
ORDER BY year, district
