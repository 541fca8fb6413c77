// @name function_coverage
// @summary Report × function of expenditure (支出功能分类): how many of each report's indicators fall under each function, and how many are below target.
// @description An indicator falls under a function through the topics it is about, along their BROADER edges
//   (epidemic_prevention → public_health → 卫生健康支出); one about topics under two functions counts under both,
//   and one about no topic under none. `evidence` quotes the first indicator below target, else the first one.
// @param function: topic = null — Only this function of expenditure: its code (210) or name (卫生健康支出)
// @param year: integer = null — Budget year of the report
// @param department: string = null — Department id, full name or part of it
// @example perfkg query function_coverage -p year=2021
// @example perfkg query function_coverage -p function=212
MATCH (f:Topic)
WHERE f.notation IS NOT NULL AND ($functions IS NULL OR f.id IN $functions)
MATCH (f)<-[:BROADER*0..]-(:Topic)<-[:ABOUT]-(i:Indicator)<-[:HAS_INDICATOR]-(r:Report)
WHERE $year IS NULL OR r.year = $year
WITH f, r, collect(DISTINCT i) AS indicators
OPTIONAL MATCH (d:Department)-[:PUBLISHED]->(r)
WITH f, r, d, indicators, [i IN indicators WHERE i.status = 'not_met'] AS below
WHERE $department IS NULL OR d.id = $department OR d.name CONTAINS $department
WITH f, r, d, indicators, below, CASE WHEN size(below) > 0 THEN below ELSE indicators END AS quotable
RETURN f.notation AS code, f.name_zh AS function, d.short_name AS department, r.year AS year,
       size(indicators) AS indicators, size(below) AS not_met, r.source_file AS source_file,
       reduce(first = head(quotable), x IN quotable | CASE WHEN x.ordinal < first.ordinal THEN x ELSE first END).evidence
         AS evidence
ORDER BY code, department, year, source_file
