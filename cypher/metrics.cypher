// @name metrics
// @summary The metrics: what indicators across reports measure, each with how many indicators, reports and years, searchable by any label.
// @param search: string = null — Part of any label of the metric (its name, a name a report gives it, its key)
// @param framework: string = null in [quantity, quality, timeliness, cost, economic_effect, social_effect, ecological_effect, sustainable_impact, satisfaction, output, effect, key_indicator] — Only metrics at this place of the indicator framework
// @example perfkg query metrics -p search=满意度
MATCH (m:Metric)
WHERE ($search IS NULL OR m.name CONTAINS $search OR any(a IN m.aliases WHERE a CONTAINS $search)
       OR any(k IN m.keys WHERE k CONTAINS $search))
  AND ($framework IS NULL OR m.framework = $framework)
MATCH (m)<-[:MEASURES]-(i:Indicator)<-[:HAS_INDICATOR]-(r:Report)
// Sorted before they are collected: a list comes back in the same order from every store.
WITH m, i, r ORDER BY r.source_file, i.id
WITH m, count(DISTINCT i) AS indicators, count(DISTINCT r) AS reports, count(DISTINCT r.year) AS years,
     collect(DISTINCT r.source_file) AS files, collect(i.evidence) AS evidence
RETURN m.id AS metric_id, m.name AS metric, m.aliases AS aliases, m.unit_kind AS unit_kind,
       m.framework AS framework, indicators, reports, years, files[0..3] AS source_file, evidence[0..3] AS evidence
ORDER BY reports DESC, indicators DESC, metric, metric_id
