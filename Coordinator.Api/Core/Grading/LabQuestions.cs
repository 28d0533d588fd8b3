namespace MediAI.Coordinator.Core.Grading;

/// <summary>
/// The lab's questions, in the handout's order: where each is answered and how it is graded.
/// Paths are relative to the folder being checked (exercises/ or solutions/).
/// </summary>
public static class LabQuestions
{
    public const string AnswerSheet = "answers.md";

    private const string Horizontal = "part1/1.1-horizontal.sql";
    private const string Vertical = "part1/1.2-vertical.sql";
    private const string Hybrid = "part1/1.3-hybrid.sql";
    private const string Shards = "part1/1.4-citus-shards.sql";
    private const string Replication = "part2/2.1-replication.sql";
    private const string ColocatedJoin = "part3/3.1-colocated-join.sql";
    private const string ModelPerformance = "part3/3.2-ai-model-performance.sql";
    private const string Repartition = "part3/3.3-repartition-join.sql";
    private const string Prepare = "part4/4a-prepare-transaction.sql";
    private const string Consultation = "part4/4b-emergency-consultation.sql";
    private const string Failure = "part4/4c-site-failure.sql";
    private const string CoordinatorCrash = "part4/4d-coordinator-crash.sql";
    private const string ReadWhole = "part4/4e-read-whole.sql";

    /// <summary>4e's writer (session A): what a student's own lab replays with Tokyo's COMMIT PREPARED held.</summary>
    public const string HeldConsultation = "part4/4e-consultation.sql";
    private const string ScaleJoin = "part5/5.1-colocated-vs-repartition.sql";
    private const string ScaleRouting = "part5/5.2-router-vs-multi-shard.sql";
    private const string ScaleWan = "part5/5.3-wan.sql";
    private const string ScaleSkew = "part5/5.4-skew.sql";
    private const string ScaleRebalance = "part5/5.5-rebalance.sql";

    /// <summary>
    /// What each file must create. They are dropped in the checker's transaction before the file
    /// runs, so that a view left in the lab by an earlier run cannot answer for a file that no
    /// longer creates it (the rollback puts them back).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Creates = new Dictionary<string, string[]>
    {
        [Horizontal] = FragmentationGrades.HorizontalViews,
        [Vertical] = FragmentationGrades.VerticalViews,
        [Hybrid] = FragmentationGrades.HybridViews,
        [Replication] = [ReplicationGrades.Table],
    };

    public static readonly IReadOnlyList<Question> All =
    [
        new("1.1", 1, "Horizontal fragments of TrainingData, one view per site", Horizontal, Answer: true, NeedsCitus: false, Mode: FileMode.RolledBack, FragmentationGrades.HorizontalTrainingData),
        new("1.2", 1, "Vertical fragments of MedicalRecords", Vertical, Answer: false, NeedsCitus: false, Mode: FileMode.RolledBack, FragmentationGrades.VerticalMedicalRecords),
        new("1.2b", 1, "MedicalRecords rebuilt by the JOIN on idRecord", Vertical, Answer: true, NeedsCitus: false, Mode: FileMode.RolledBack, FragmentationGrades.VerticalReconstruction),
        new("1.3", 1, "Hybrid fragments of Transactions (8 views)", Hybrid, Answer: false, NeedsCitus: false, Mode: FileMode.RolledBack, FragmentationGrades.HybridTransactions),
        new("1.3b", 1, "France's transactions rebuilt from their two fragments", Hybrid, Answer: true, NeedsCitus: false, Mode: FileMode.RolledBack, FragmentationGrades.HybridReconstruction),
        new("1.4a", 1, "How many shards each table has", Shards, Answer: true, NeedsCitus: true, Mode: FileMode.RolledBack,
            c => QueryGrades.SameRowsAs(c, """
                SELECT logicalrelid, count(*) AS shards FROM pg_dist_shard
                WHERE logicalrelid IN ('patients'::regclass, 'medicalrecords'::regclass, 'trainingdata'::regclass, 'transactions'::regclass)
                GROUP BY logicalrelid
                """, extraRowsAllowed: true)),
        new("1.4b", 1, "Which node stores Tokyo's TrainingData rows", Shards, Answer: true, NeedsCitus: true, Mode: FileMode.RolledBack, AnswerGrades.TokyoTrainingData),

        new("2.1", 2, "A table replicated twice: the factor set before distributing", Replication, Answer: false, NeedsCitus: true, Mode: FileMode.RolledBack, ReplicationGrades.ReplicatedTable),
        new("2.1b", 2, "Its placements", Replication, Answer: true, NeedsCitus: true, Mode: FileMode.RolledBack, ReplicationGrades.Placements),
        new("2.2", 2, "What shardstate = 1 means", null, Answer: true, NeedsCitus: false, Mode: FileMode.State, AnswerGrades.ShardState),
        new("2.3", 2, "Allocation strategies in MediAI", null, Answer: true, NeedsCitus: false, Mode: FileMode.State, AnswerGrades.AllocationTable),

        new("3.1", 3, "The co-located join for Mohamed Benali, with EXPLAIN (VERBOSE)", ColocatedJoin, Answer: true, NeedsCitus: true, Mode: FileMode.Autocommit, AnswerGrades.ColocatedJoin),
        new("3.1b", 3, "The same join routed to one site by its distribution key", ColocatedJoin, Answer: false, NeedsCitus: true, Mode: FileMode.Autocommit, c => QueryGrades.ColocatedJoin(c, routed: true)),
        new("3.2", 3, "Exercise 3.2: AI model performance per site", ModelPerformance, Answer: true, NeedsCitus: false, Mode: FileMode.Autocommit,
            c => QueryGrades.SameRowsAs(c, """
                SELECT p.siteOrigin, mr.aiModelUsed, COUNT(*) AS nb_exams, ROUND(AVG(mr.aiScore)::numeric, 4) AS avg_score
                FROM MedicalRecords mr JOIN Patients p ON p.idPatient = mr.idPatient AND p.country = mr.country
                GROUP BY p.siteOrigin, mr.aiModelUsed
                """, descendingColumn: 3)),
        new("3.3", 3, "A join on a non-distribution key: repartitioning", Repartition, Answer: true, NeedsCitus: true, Mode: FileMode.Autocommit, QueryGrades.RepartitionJoin),

        new("4a", 4, "PREPARE TRANSACTION, COMMIT PREPARED, ROLLBACK PREPARED at one node", Prepare, Answer: true, NeedsCitus: false, Mode: FileMode.State, TwoPhaseCommitGrades.PreparedLocally),
        new("4b", 4, "The emergency consultation: one distributed transaction, read in the trace", Consultation, Answer: true, NeedsCitus: true, Mode: FileMode.State, TwoPhaseCommitGrades.EmergencyConsultation),
        new("4c", 4, "Tokyo's link dropped after PREPARE: in doubt, healed, recovered", Failure, Answer: true, NeedsCitus: true, Mode: FileMode.State, TwoPhaseCommitGrades.SiteFailure),
        new("4d", 4, "The coordinator killed before and after its commit record, then recovered", CoordinatorCrash, Answer: true, NeedsCitus: true, Mode: FileMode.State, TwoPhaseCommitGrades.CoordinatorCrash),
        new("4e", 4, "Committed, but not all at once: a fractured read, traced, and a read that waits for the whole commit", ReadWhole, Answer: true, NeedsCitus: true, Mode: FileMode.State, TwoPhaseCommitGrades.FracturedRead),

        new("5.1", 5, "Co-located join on generated data: one task per shard group, timed", ScaleJoin, Answer: true, NeedsCitus: true, Mode: FileMode.Autocommit, c => ScaleGrades.Join(c, repartitioned: false)),
        new("5.1b", 5, "The same join off the distribution key: repartitioned", ScaleJoin, Answer: false, NeedsCitus: true, Mode: FileMode.Autocommit, c => ScaleGrades.Join(c, repartitioned: true)),
        new("5.2", 5, "A router query: one patient at one site, timed", ScaleRouting, Answer: true, NeedsCitus: true, Mode: FileMode.Autocommit, c => ScaleGrades.Routing(c, router: true)),
        new("5.2b", 5, "The same without the distribution key: every shard asked", ScaleRouting, Answer: false, NeedsCitus: true, Mode: FileMode.Autocommit, c => ScaleGrades.Routing(c, router: false)),
        new("5.3", 5, "The same queries with the WAN profile on, timed", ScaleWan, Answer: true, NeedsCitus: true, Mode: FileMode.State, ScaleGrades.WanTimings),
        new("5.4", 5, "Skew: patients per site, counted on the placements", ScaleSkew, Answer: true, NeedsCitus: true, Mode: FileMode.Autocommit, ScaleGrades.Skew),
        new("5.4b", 5, "What skew costs: every task's time in EXPLAIN ANALYZE", ScaleSkew, Answer: false, NeedsCitus: true, Mode: FileMode.Autocommit, ScaleGrades.AllTasks),
        new("5.5", 5, "Rebalancing onto Dakar, then everything put back", ScaleRebalance, Answer: true, NeedsCitus: true, Mode: FileMode.State, ScaleGrades.Rebalance),

        new("R1", 6, "Reflection: the hardest part, one error and how you solved it", null, Answer: true, NeedsCitus: false, Mode: FileMode.State, c => AnswerGrades.Sentences(c, 3)),
        new("R2", 6, "Reflection: horizontal vs vertical fragmentation", null, Answer: true, NeedsCitus: false, Mode: FileMode.State, AnswerGrades.Answered),
        new("R3", 6, "Reflection: why Patients and MedicalRecords share the key", null, Answer: true, NeedsCitus: false, Mode: FileMode.State, AnswerGrades.Answered),
        new("R4", 6, "Reflection: is 2PC the right choice for a hospital?", null, Answer: true, NeedsCitus: false, Mode: FileMode.State, AnswerGrades.Answered),
    ];

    public static string PartTitle(int part) => part switch
    {
        1 => "Part 1 — Fragmentation",
        2 => "Part 2 — Replication and allocation",
        3 => "Part 3 — Distributed queries",
        4 => "Part 4 — Two-phase commit",
        5 => "Part 5 — At scale: generated data, measured",
        _ => "Reflection",
    };
}
