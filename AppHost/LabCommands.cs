namespace MediAI.AppHost;

/// <summary>The coordinator API's commands in the dashboard, the same whether the nodes are the lab's own or an existing cluster.</summary>
public static class LabCommands
{
    public static IResourceBuilder<ExecutableResource> WithLabCommands(this IResourceBuilder<ExecutableResource> api) => api
        .WithHttpCommand("/lab/reset", "Reset lab data", commandName: "reset-lab",
            commandOptions: new HttpCommandOptions
            {
                Description = "Reload the seeded MediAI data (20 patients, 14 records, 13 training rows, 18 transactions).",
                ConfirmationMessage = "Replace all MediAI rows with the seeded data?",
                IconName = "ArrowReset",
            })
        .WithHttpCommand("/transactions/emergency-consultation", "Run emergency consultation", commandName: "emergency-consultation",
            commandOptions: new HttpCommandOptions
            {
                Description = "Yuki Tanaka's record at Tokyo and her bill at Paris, in one distributed transaction (open its trace).",
                IconName = "HeartPulse",
            })
        .WithFaultCampaignCommand()
        .WithDataGeneratorCommand()
        .WithClassGradingCommand()
        .WithHttpCommand("/transactions/recover", "Recover in-doubt transactions", commandName: "recover-in-doubt",
            commandOptions: new HttpCommandOptions
            {
                Description = "recover_prepared_transactions(): finish what a failed site left prepared.",
                IconName = "ArrowSync",
            });
}
