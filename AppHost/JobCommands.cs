namespace MediAI.AppHost;

/// <summary>"Run fault campaign", "Generate data" and "Grade class" in the coordinator API's ⋯ menu: the lab's long jobs, with their arguments.</summary>
public static class JobCommands
{
    public static IResourceBuilder<ExecutableResource> WithFaultCampaignCommand(this IResourceBuilder<ExecutableResource> api) =>
        api.WithJobCommand("fault-campaign", "Run fault campaign",
            "Seeded transfers between sites under random faults, then: is money conserved, is every acknowledged commit there, is anything left prepared?",
            "BeakerEdit",
            "Campaign started (its progress, then the table per fault kind and a chart at /campaigns/<n>/chart)",
            [
                new InteractionInput { Name = "transactions", Label = "Transfers", InputType = InputType.Number, Value = "200", Required = true },
                new InteractionInput { Name = "faultRate", Label = "Share of transfers hit by a fault (0 to 1)", InputType = InputType.Text, Value = "0.5", Required = true },
                new InteractionInput { Name = "seed", Label = "Seed (the same seed replays the same campaign; empty: a new one)", InputType = InputType.Number },
            ]);

    public static IResourceBuilder<ExecutableResource> WithDataGeneratorCommand(this IResourceBuilder<ExecutableResource> api) =>
        api.WithJobCommand("data-generator", "Generate data",
            "Loads N generated patients with their records, training rows and transactions into schema lab_scale, each country at its site (Reset lab data removes them).",
            "DatabaseArrowUp",
            "Generation started",
            [
                new InteractionInput { Name = "patients", Label = "Patients", InputType = InputType.Number, Value = "1000000", Required = true },
                new InteractionInput { Name = "seed", Label = "Seed (the same seed gives the same rows)", InputType = InputType.Number, Value = "1" },
                new InteractionInput { Name = "skewed", Label = "Uneven countries (France holds most)", InputType = InputType.Boolean, Value = "false" },
            ]);

    public static IResourceBuilder<ExecutableResource> WithClassGradingCommand(this IResourceBuilder<ExecutableResource> api) =>
        api.WithJobCommand("class-grading", "Grade class",
            "Grades every student's clone in a folder against this lab, each in a sandbox of its own, Part 4 replayed per student; writes the gradebook (CSV, JSON, HTML summary) in FOLDER/_gradebook.",
            "HatGraduation",
            "Class grading started (its progress at GET /jobs; the gradebook in FOLDER/_gradebook when it ends)",
            [
                new InteractionInput { Name = "folder", Label = "Class folder (full path: one clone per student)", InputType = InputType.Text, Required = true },
                new InteractionInput { Name = "at", Label = "Deadline (2026-12-01 23:59; empty: each clone's HEAD)", InputType = InputType.Text },
                new InteractionInput { Name = "parallel", Label = "Students at once", InputType = InputType.Number, Value = "2" },
                new InteractionInput { Name = "template", Label = "Template clone (full path; empty: each clone's first commit)", InputType = InputType.Text },
            ]);
}
