using MediAI.Coordinator.Checker;

// The students' checker: dotnet run --project Coordinator.Api/Checker -- --help
return await CheckCommand.RunAsync(args);
