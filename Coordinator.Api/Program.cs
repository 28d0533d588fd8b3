using MediAI.Coordinator;
using MediAI.Coordinator.Bootstrap;
using MediAI.Coordinator.Checker;

// The checker parses its own arguments and reports its own errors (exit 2: could not check).
if (args.FirstOrDefault() == "check")
{
    return await CheckCommand.RunAsync(args[1..]);
}

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
