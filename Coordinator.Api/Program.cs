using MediAI.Coordinator;
using MediAI.Coordinator.Bootstrap;

return await LabSettingException.GuardAsync(async () =>
{
    if (args.FirstOrDefault() == "bootstrap")
    {
        return await BootstrapCommand.RunAsync(args[1..]);
    }

    var app = CoordinatorApp.Build(args);
    await app.RunAsync();
    return 0;
});
