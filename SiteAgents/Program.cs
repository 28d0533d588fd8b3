using MediAI.SiteAgents;

SiteAgentApp.Build(args).Run();
