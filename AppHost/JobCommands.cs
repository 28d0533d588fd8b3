namespace MediAI.AppHost;

/// <summary>"Run fault campaign" and "Generate data" in the coordinator API's ⋯ menu: the lab's long jobs, with their arguments.</summary>
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
}
