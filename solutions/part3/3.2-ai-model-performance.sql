-- Part 3.2 — Exercise 3.2: AI model performance per site.
-- For each site (the patient's siteOrigin) and AI model: the number of exams and the average
-- aiScore rounded to 4 decimals, best average first. Columns: siteOrigin, aiModelUsed,
-- nb_exams, avg_score.
-- Run:  psql -h localhost -p 5432 -U postgres -d mediAI -f solutions/part3/3.2-ai-model-performance.sql

-- [3.2]
SELECT p.siteOrigin, mr.aiModelUsed, COUNT(*) AS nb_exams, ROUND(AVG(mr.aiScore)::numeric, 4) AS avg_score
FROM MedicalRecords mr
JOIN Patients p ON p.idPatient = mr.idPatient AND p.country = mr.country
GROUP BY p.siteOrigin, mr.aiModelUsed
ORDER BY avg_score DESC, p.siteOrigin, mr.aiModelUsed;
