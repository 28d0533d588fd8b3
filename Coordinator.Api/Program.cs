using MediAI.Coordinator;
using MediAI.Coordinator.Bootstrap;
using MediAI.Coordinator.Checker;

if (args.FirstOrDefault() == "bootstrap")
{
    return await BootstrapCommand.RunAsync(args[1..]);
}

if (args.FirstOrDefault() == "check")
{
    return await CheckCommand.RunAsync(args[1..]);
}

CoordinatorApp.Build(args).Run();
return 0;
