using MediAI.SiteAgents;

return await LabSettingException.GuardAsync(async () =>
{
    await SiteAgentApp.Build(args).RunAsync();
    return 0;
});
