// @name below_target_by_year_and_district
// @summary Indicators below target counted by year and district: how many, from how many departments, and how complete they were.
// @description The figures behind the explorer's chart of the flagship question. `mean_completion_rate` averages
//   the completion rates the reports state (完成率) for these indicators, over those that state one. `evidence`
//   quotes one of them (the first by id). Filters combine; without a topic, every indicator below target that has a topic counts.
// @param topic: topic = null — Policy topic (slug, Chinese label or alternative label); narrower topics included
// @param year: integer = null — Budget year
// @param district: string = null — District name or part of it
// @example perfkg query below_target_by_year_and_district -p topic=城市更新
// The indicators below target are found by their NotMetIndicator label,
// without reading a property; one about two topics of the list counts once.
MATCH (t:Topic)<-[:ABOUT]-(i:NotMetIndicator)<-[:HAS_INDICATOR]-(r:Report)<-[:PUBLISHED]-(d:Department)
WHERE ($topics IS NULL OR t.id IN $topics) AND ($year IS NULL OR r.year = $year)
WITH DISTINCT d, r, i
OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District)
WITH d, r, i, x
WHERE $district IS NULL OR x.name CONTAINS $district
WITH r.year AS year, x.name AS district, count(DISTINCT d) AS departments, count(i) AS indicators,
     avg(i.completion_rate) AS mean_completion_rate,
     collect({id: i.id, evidence: i.evidence, source_file: r.source_file}) AS quoted
WITH year, district, departments, indicators, mean_completion_rate,
     reduce(first = head(quoted), q IN quoted | CASE WHEN q.id < first.id THEN q ELSE first END) AS first
RETURN year, district, departments, indicators, mean_completion_rate,
       first.source_file AS source_file, first.evidence AS evidence
ORDER BY year, district
