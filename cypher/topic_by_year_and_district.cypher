// @name topic_by_year_and_district
// @summary A topic's indicators counted by year and district: how many departments reported them, how many were met, not met or unknown, and how complete.
// @description The figures behind the explorer's chart. `met_rate` is the percent met of the indicators that could be
//   compared (met or not met); `mean_completion_rate` averages the completion rates the reports state (完成率), over
//   the indicators that state one. `evidence` quotes one indicator of the group, below target when there is one.
//   Without a topic, every indicator is counted.
// @param topic: topic = null — Policy topic (slug, Chinese label or alternative label); narrower topics included
// @param year: integer = null — Budget year
// @example perfkg query topic_by_year_and_district -p topic=城市更新
// The indicators to count: when a topic is given, those reached from its
// Topic nodes through ABOUT (each once, whichever of its topics led to it);
// else every one.
OPTIONAL MATCH (topic:Topic) WHERE topic.id IN $topics
OPTIONAL MATCH (topic)<-[:ABOUT]-(about:Indicator)
WITH collect(DISTINCT about) AS topical
OPTIONAL MATCH (every:Indicator)
WHERE $topics IS NULL
WITH topical, collect(every) AS every
UNWIND topical + every AS i
WITH i
MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_INDICATOR]->(i)
WHERE $year IS NULL OR r.year = $year
OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District)
WITH d, r, i, x ORDER BY CASE i.status WHEN 'not_met' THEN 0 ELSE 1 END, r.source_file, i.ordinal
WITH r.year AS year, x.name AS district, count(DISTINCT d) AS departments, count(i) AS indicators,
     count(CASE WHEN i.status = 'met' THEN 1 END) AS met,
     count(CASE WHEN i.status = 'not_met' THEN 1 END) AS not_met,
     count(CASE WHEN i.status = 'unknown' THEN 1 END) AS unknown,
     avg(i.completion_rate) AS mean_completion_rate,
     collect({source_file: r.source_file, evidence: i.evidence})[0] AS quoted
RETURN year, district, departments, indicators, met, not_met, unknown,
       CASE WHEN met + not_met > 0 THEN 100.0 * met / (met + not_met) ELSE null END AS met_rate,
       mean_completion_rate, quoted.source_file AS source_file, quoted.evidence AS evidence
ORDER BY year, district
