-- Part 3.2 — Exercise 3.2: AI model performance per site.
-- For each site (the patient's siteOrigin) and AI model: the number of exams and the average
-- aiScore rounded to 4 decimals, best average first. Columns: siteOrigin, aiModelUsed,
-- nb_exams, avg_score.
-- Run it with Docker alone:  docker exec citus_master psql -U postgres -d mediAI -f /exercises/part3/3.2-ai-model-performance.sql
--   or with psql on your machine:  psql -h localhost -p 5432 -U postgres -d mediAI -f exercises/part3/3.2-ai-model-performance.sql

-- [3.2]
SELECT p.siteOrigin, mr.aiModelUsed, COUNT(*) AS nb_exams, ROUND(AVG(mr.aiScore)::numeric, 4) AS avg_score
FROM MedicalRecords mr
JOIN Patients p ON ___
GROUP BY ___
ORDER BY ___;
