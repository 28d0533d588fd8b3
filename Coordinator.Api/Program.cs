using MediAI.Coordinator;
using MediAI.Coordinator.Bootstrap;
using MediAI.Coordinator.External;

return await LabSettingException.GuardAsync(async () => args.FirstOrDefault() switch
{
    "bootstrap" => await BootstrapCommand.RunAsync(args[1..]),
    // A cluster the lab shares (--Lab:Mode=external): the dry run, and the removal.
    "plan" => await ExternalCommands.PlanAsync(args[1..]),
    "cleanup" => await ExternalCommands.CleanupAsync(args[1..]),
    _ => await RunApiAsync(args),
});

static async Task<int> RunApiAsync(string[] args)
{
    var app = await CoordinatorApp.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
