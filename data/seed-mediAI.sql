-- =============================================================================
-- MediAI — seed data
--
--   psql -v ON_ERROR_STOP=1 -d mediAI -f seed-mediAI.sql
--
-- Run after schema-mediAI.sql (and init-cluster.sql on the Citus cluster).
-- The file starts by emptying the four tables, so running it again resets the
-- lab to exactly this state: 20 patients, 14 medical records, 13 training
-- rows, 18 transactions.
--
-- Ids are given explicitly; at the end each sequence is moved past the
-- largest id, so that later INSERTs without an id (Part 4) get the next one.
--
-- Every medical record and every transaction has the same country as its
-- patient (Patients and MedicalRecords/Transactions are co-located by country).
-- =============================================================================

TRUNCATE Patients, MedicalRecords, TrainingData, Transactions;

-- -----------------------------------------------------------------------------
-- Patients: 1–5 France (Paris), 6–10 Tunisia (Tunis),
--           11–15 Canada (Montreal), 16–20 Japan (Tokyo)
-- -----------------------------------------------------------------------------
INSERT INTO Patients (idPatient, name, age, city, country, siteOrigin) VALUES
    ( 1, 'Camille Dubois',        34, 'Paris',      'France',  'Paris'),
    ( 2, 'Lucas Martin',          58, 'Lyon',       'France',  'Paris'),
    ( 3, 'Léa Bernard',           27, 'Marseille',  'France',  'Paris'),
    ( 4, 'Hugo Petit',            66, 'Toulouse',   'France',  'Paris'),
    ( 5, 'Chloé Moreau',          71, 'Lille',      'France',  'Paris'),
    ( 6, 'Mohamed Benali',        52, 'Tunis',      'Tunisia', 'Tunis'),
    ( 7, 'Amira Trabelsi',        45, 'Sfax',       'Tunisia', 'Tunis'),
    ( 8, 'Youssef Ben Salah',     29, 'Sousse',     'Tunisia', 'Tunis'),
    ( 9, 'Leila Gharbi',          63, 'Bizerte',    'Tunisia', 'Tunis'),
    (10, 'Karim Jaziri',          38, 'Nabeul',     'Tunisia', 'Tunis'),
    (11, 'Émilie Tremblay',       41, 'Montréal',   'Canada',  'Montreal'),
    (12, 'Jean-François Gagnon',  55, 'Québec',     'Canada',  'Montreal'),
    (13, 'Sarah Roy',             68, 'Laval',      'Canada',  'Montreal'),
    (14, 'Liam Côté',             47, 'Gatineau',   'Canada',  'Montreal'),
    (15, 'Olivia Bouchard',       23, 'Sherbrooke', 'Canada',  'Montreal'),
    (16, 'Yuki Tanaka',           36, 'Tokyo',      'Japan',   'Tokyo'),
    (17, 'Haruto Sato',           60, 'Osaka',      'Japan',   'Tokyo'),
    (18, 'Aiko Suzuki',           49, 'Kyoto',      'Japan',   'Tokyo'),
    (19, 'Kenji Watanabe',        72, 'Yokohama',   'Japan',   'Tokyo'),
    (20, 'Sakura Ito',            31, 'Sapporo',    'Japan',   'Tokyo');

-- -----------------------------------------------------------------------------
-- MedicalRecords (14). AI models and versions:
--   DiagNet-3 v3.2 (general), NephroAI-1 v1.4 (kidney),
--   CardioScan-2 v2.1 (heart), PulmoNet-1 v1.0 (lungs)
-- Exercise 3.2: Tunis/NephroAI-1 (Mohamed Benali, 2 exams) and
-- Paris/DiagNet-3 (1 exam) both average 0.9812, every other group less.
-- -----------------------------------------------------------------------------
INSERT INTO MedicalRecords (idRecord, idPatient, country, date, examType, result, aiModelUsed, aiScore, aiVersion) VALUES
    ( 1,  1, 'France',  '2024-03-12', 'Chest X-ray',          'No abnormality detected',              'DiagNet-3',    0.9812, 'v3.2'),
    ( 2,  2, 'France',  '2024-06-04', 'ECG',                  'Sinus rhythm, mild tachycardia',       'CardioScan-2', 0.9421, 'v2.1'),
    ( 3,  4, 'France',  '2025-01-20', 'Echocardiogram',       'Mild mitral regurgitation',            'CardioScan-2', 0.9133, 'v2.1'),
    ( 4,  5, 'France',  '2025-02-14', 'Chest CT scan',        'Small 4 mm nodule — follow-up',        'PulmoNet-1',   0.8876, 'v1.0'),
    ( 5,  6, 'Tunisia', '2024-04-22', 'Renal function panel', 'Elevated creatinine — CKD stage 2',    'NephroAI-1',   0.9790, 'v1.4'),
    ( 6,  6, 'Tunisia', '2025-03-10', 'Kidney ultrasound',    'Stable, no new lesion',                'NephroAI-1',   0.9834, 'v1.4'),
    ( 7,  7, 'Tunisia', '2024-09-02', 'Chest X-ray',          'Right lower lobe opacity — pneumonia', 'DiagNet-3',    0.9567, 'v3.2'),
    ( 8,  9, 'Tunisia', '2025-05-18', 'ECG',                  'Atrial fibrillation',                  'CardioScan-2', 0.9288, 'v2.1'),
    ( 9, 11, 'Canada',  '2024-02-27', 'Spirometry',           'Moderate obstruction — asthma',        'PulmoNet-1',   0.9065, 'v1.0'),
    (10, 13, 'Canada',  '2024-11-05', 'Chest CT scan',        'Early-stage emphysema',                'PulmoNet-1',   0.9342, 'v1.0'),
    (11, 14, 'Canada',  '2025-04-09', 'Blood test',           'HbA1c 7.1 % — type 2 diabetes',        'DiagNet-3',    0.9476, 'v3.2'),
    (12, 16, 'Japan',   '2024-08-19', 'Annual check-up',      'Normal',                               'DiagNet-3',    0.9703, 'v3.2'),
    (13, 18, 'Japan',   '2025-06-03', 'Holter ECG',           'Occasional benign extrasystoles',      'CardioScan-2', 0.9159, 'v2.1'),
    (14, 19, 'Japan',   '2025-07-21', 'Renal function panel', 'Normal eGFR',                          'NephroAI-1',   0.9611, 'v1.4');

-- -----------------------------------------------------------------------------
-- TrainingData (13): anonymised examples, no patient id or name.
-- Paris 4, Tunis 3, Montreal 3, Tokyo 3.
-- -----------------------------------------------------------------------------
INSERT INTO TrainingData (idData, siteOrigin, examType, features, label, aiModelUsed, collectedOn) VALUES
    ( 1, 'Paris',    'Chest X-ray',          'age=40-49;sex=F;opacity=0.02;heart_ratio=0.44',   'normal',              'DiagNet-3',    '2024-01-15'),
    ( 2, 'Paris',    'Chest X-ray',          'age=60-69;sex=M;opacity=0.31;heart_ratio=0.47',   'pneumonia',           'DiagNet-3',    '2024-02-03'),
    ( 3, 'Paris',    'ECG',                  'age=50-59;sex=M;hr=112;qrs_ms=96;pr_ms=150',      'sinus tachycardia',   'CardioScan-2', '2024-05-28'),
    ( 4, 'Paris',    'Chest CT scan',        'age=70-79;sex=F;nodule_mm=4;density=solid',       'benign nodule',       'PulmoNet-1',   '2025-01-09'),
    ( 5, 'Tunis',    'Renal function panel', 'age=50-59;sex=M;creatinine=1.6;egfr=62',          'CKD stage 2',         'NephroAI-1',   '2024-03-18'),
    ( 6, 'Tunis',    'Renal function panel', 'age=30-39;sex=F;creatinine=0.8;egfr=104',         'normal',              'NephroAI-1',   '2024-07-02'),
    ( 7, 'Tunis',    'Kidney ultrasound',    'age=60-69;sex=M;cortex_mm=7;cyst_count=2',        'simple cysts',        'NephroAI-1',   '2025-02-20'),
    ( 8, 'Montreal', 'Spirometry',           'age=40-49;sex=F;fev1_fvc=0.62;reversibility=14',  'asthma',              'PulmoNet-1',   '2024-02-12'),
    ( 9, 'Montreal', 'Chest CT scan',        'age=60-69;sex=F;laa_950=8.5;wall_mm=1.4',         'emphysema',           'PulmoNet-1',   '2024-10-22'),
    (10, 'Montreal', 'Blood test',           'age=40-49;sex=M;hba1c=7.1;glucose=8.4',           'type 2 diabetes',     'DiagNet-3',    '2025-03-30'),
    (11, 'Tokyo',    'Holter ECG',           'age=40-49;sex=F;pvc_per_h=12;af_burden=0',        'benign extrasystoles','CardioScan-2', '2024-06-11'),
    (12, 'Tokyo',    'Renal function panel', 'age=70-79;sex=M;creatinine=1.0;egfr=71',          'normal',              'NephroAI-1',   '2025-05-07'),
    (13, 'Tokyo',    'Annual check-up',      'age=30-39;sex=F;bmi=21.3;bp=118/76;ldl=2.9',      'normal',              'DiagNet-3',    '2025-08-25');

-- -----------------------------------------------------------------------------
-- Transactions (18): France 5 (EUR), Tunisia 5 (TND), Canada 4 (CAD),
-- Japan 4 (JPY). status: pending | paid | cancelled | refunded
-- -----------------------------------------------------------------------------
INSERT INTO Transactions (idTrans, idPatient, country, date, type, amount, currency, status) VALUES
    ( 1,  1, 'France',  '2024-03-12 09:40:00', 'exam',               85.00, 'EUR', 'paid'),
    ( 2,  2, 'France',  '2024-06-04 14:15:00', 'consultation',       30.00, 'EUR', 'paid'),
    ( 3,  3, 'France',  '2024-10-21 11:02:00', 'pharmacy',           42.60, 'EUR', 'refunded'),
    ( 4,  4, 'France',  '2025-01-20 10:30:00', 'exam',              210.00, 'EUR', 'paid'),
    ( 5,  5, 'France',  '2025-02-14 16:45:00', 'hospitalisation',  1850.00, 'EUR', 'pending'),
    ( 6,  6, 'Tunisia', '2024-04-22 08:50:00', 'exam',              120.00, 'TND', 'paid'),
    ( 7,  6, 'Tunisia', '2025-03-10 10:05:00', 'exam',              180.00, 'TND', 'paid'),
    ( 8,  7, 'Tunisia', '2024-09-02 13:20:00', 'hospitalisation',  2400.00, 'TND', 'paid'),
    ( 9,  8, 'Tunisia', '2024-12-11 17:35:00', 'pharmacy',           64.50, 'TND', 'cancelled'),
    (10,  9, 'Tunisia', '2025-05-18 09:10:00', 'consultation',       60.00, 'TND', 'pending'),
    (11, 11, 'Canada',  '2024-02-27 15:00:00', 'exam',              145.00, 'CAD', 'paid'),
    (12, 13, 'Canada',  '2024-11-05 10:40:00', 'exam',              620.00, 'CAD', 'paid'),
    (13, 14, 'Canada',  '2025-04-09 08:25:00', 'consultation',       95.00, 'CAD', 'refunded'),
    (14, 15, 'Canada',  '2025-08-30 19:55:00', 'pharmacy',           38.75, 'CAD', 'pending'),
    (15, 16, 'Japan',   '2024-08-19 09:00:00', 'consultation',     8500.00, 'JPY', 'paid'),
    (16, 18, 'Japan',   '2025-06-03 14:30:00', 'exam',            22000.00, 'JPY', 'paid'),
    (17, 19, 'Japan',   '2025-07-21 11:15:00', 'exam',            12500.00, 'JPY', 'paid'),
    (18, 20, 'Japan',   '2025-09-12 16:00:00', 'hospitalisation', 184000.00, 'JPY', 'cancelled');

-- -----------------------------------------------------------------------------
-- Sequences continue after the explicit ids (names are lower case: see schema).
-- -----------------------------------------------------------------------------
SELECT setval(pg_get_serial_sequence('medicalrecords', 'idrecord'), (SELECT max(idRecord) FROM MedicalRecords));
SELECT setval(pg_get_serial_sequence('trainingdata',   'iddata'),   (SELECT max(idData)   FROM TrainingData));
SELECT setval(pg_get_serial_sequence('transactions',   'idtrans'),  (SELECT max(idTrans)  FROM Transactions));
