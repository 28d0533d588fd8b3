using MediAI.SiteAgents;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.Configure<SiteOptions>(builder.Configuration.GetSection("Site"));
builder.Services.AddSingleton<NodeProbe>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/status", async (NodeProbe probe, CancellationToken ct) => Results.Ok(await probe.StatusAsync(ct)));
app.Run();
