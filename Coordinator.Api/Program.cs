using MediAI.Coordinator;
using MediAI.Coordinator.Bootstrap;

if (args.FirstOrDefault() == "bootstrap")
{
    return await BootstrapCommand.RunAsync(args[1..]);
}

CoordinatorApp.Build(args).Run();
return 0;
