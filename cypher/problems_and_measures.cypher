// @name problems_and_measures
// @summary Problems reports identify, with the measures the same report proposes on the same topics.
// @param topic: topic = null — Only problems about this topic (narrower topics included)
// @param department: string = null — Department id, full name or part of it
// @param year: integer = null — Budget year
// @example perfkg query problems_and_measures -p topic=economy_business
MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:IDENTIFIES]->(p:Problem)
WHERE ($year IS NULL OR r.year = $year)
  AND ($department IS NULL OR d.id = $department OR d.name CONTAINS $department)
OPTIONAL MATCH (p)-[:ABOUT]->(t:Topic)
// Sorted before they are collected: a list comes back in the same order from every store.
WITH d, r, p, t ORDER BY t.id
WITH d, r, p, collect(t.id) AS topics
WHERE $topics IS NULL OR any(s IN topics WHERE s IN $topics)
// The report's measures with their topics, gathered once per report, not once per problem.
WITH d, r, collect({problem: p, topics: topics}) AS problems
OPTIONAL MATCH (r)-[:PROPOSES]->(m:Measure)
OPTIONAL MATCH (m)-[:ABOUT]->(mt:Topic)
WITH d, r, problems, m, collect(mt.id) AS measure_topics ORDER BY m.ordinal, m.id
WITH d, r, problems, collect({text: m.text, topics: measure_topics}) AS measures
UNWIND problems AS found
WITH d, r, found.problem AS p, found.topics AS topics, measures
RETURN d.short_name AS department, r.year AS year, p.ordinal AS ordinal, p.text AS problem, topics,
       [m IN measures WHERE any(s IN m.topics WHERE s IN topics) | m.text] AS measures,
       r.source_file AS source_file, p.evidence AS evidence
ORDER BY department, year, source_file, ordinal
