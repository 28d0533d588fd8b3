-- Part 3.1 — A co-located join. Patients and MedicalRecords are both distributed by country and
-- co-located: a patient's records sit in the same shard group as the patient, at the same site.
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part3/3.1-colocated-join.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part3/3.1-colocated-join.sql

-- The handout's query:
SELECT p.name, p.age, p.city, p.country, mr.date, mr.examType, mr.result, mr.aiModelUsed, mr.aiScore
FROM Patients p
JOIN MedicalRecords mr ON p.idPatient = mr.idPatient AND p.country = mr.country  -- the distribution key must match
WHERE p.name = 'Mohamed Benali'
ORDER BY mr.date DESC;

-- [3.1] The same query under EXPLAIN with the VERBOSE option. Read the plan: how many tasks
-- ("Task Count"), on which node (host/port; SELECT * FROM lab_sites; names the site), running
-- which SQL? Does any data move between nodes for the JOIN?
EXPLAIN (___)
___;

-- [3.1b] Citus cannot know from a name where Mohamed Benali lives. Add a filter on the
-- distribution key (his country) to the query, and EXPLAIN (VERBOSE) it again: how many tasks now, where?
EXPLAIN (VERBOSE)
SELECT p.name, p.age, p.city, p.country, mr.date, mr.examType, mr.result, mr.aiModelUsed, mr.aiScore
FROM Patients p
JOIN MedicalRecords mr ON p.idPatient = mr.idPatient AND p.country = mr.country
WHERE p.name = 'Mohamed Benali' AND ___
ORDER BY mr.date DESC;
