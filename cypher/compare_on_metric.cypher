// @name compare_on_metric
// @summary Departments side by side on one metric in one year, ranked by completion (actual against target).
// @description A row per department and report. Its completion is the mean over its indicators of the metric:
//   the completion rate the report states, else the actual as a percent of a floor target (a ceiling's
//   completion is not a ratio; it counts in met and not_met only). Rows whose completion cannot be worked
//   out come last.
// @param metric: string = required — A metric's id or any of its labels, e.g. 群众满意度
// @param year: integer = null — Budget year; every year when left out
// @example perfkg query compare_on_metric -p metric=群众满意度 -p year=2022
MATCH (m:Metric)
WHERE m.id = $metric OR m.name = $metric OR $metric IN m.aliases OR $metric IN m.keys
MATCH (m)<-[:MEASURES]-(i:Indicator)<-[:HAS_INDICATOR]-(r:Report)<-[:PUBLISHED]-(d:Department)
WHERE $year IS NULL OR r.year = $year
WITH m, d, r, i,
     CASE WHEN i.completion_rate IS NOT NULL THEN i.completion_rate
          WHEN i.target_value > 0 AND i.actual_value IS NOT NULL AND (i.target_op IS NULL OR i.target_op = '>=')
          THEN 100.0 * i.actual_value / i.target_value END AS completion
ORDER BY i.id
WITH m, d, r, collect(i) AS indicators, avg(completion) AS completion
RETURN m.name AS metric, coalesce(d.short_name, d.name) AS department, r.year AS year, completion,
       size(indicators) AS indicators,
       size([i IN indicators WHERE i.status = 'met']) AS met,
       size([i IN indicators WHERE i.status = 'not_met']) AS not_met,
       [i IN indicators | i.name] AS names, [i IN indicators | i.target_text] AS targets,
       [i IN indicators | i.actual_text] AS actuals, d.id AS department_id, m.id AS metric_id,
       r.source_file AS source_file, [i IN indicators | i.evidence] AS evidence
ORDER BY coalesce(completion, -1.0) DESC, met DESC, department, year, source_file
