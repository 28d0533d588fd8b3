using MediAI.Coordinator.Bootstrap;
using MediAI.Coordinator.Cluster;
using MediAI.Coordinator.Endpoints;

if (args.FirstOrDefault() == "bootstrap")
{
    return await BootstrapCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.Configure<LabClusterOptions>(builder.Configuration.GetSection(LabClusterOptions.Section));
builder.Services.AddSingleton<ClusterBootstrapper>();
builder.Services.AddProblemDetails();

var lab = builder.Configuration.GetSection(LabClusterOptions.Section).Get<LabClusterOptions>() ?? new LabClusterOptions();
if (lab.Nodes.Count > 0)
{
    // The coordinator connection (Aspire.Npgsql: pooling, health check, Npgsql traces and metrics).
    builder.Configuration["ConnectionStrings:mediai"] = lab.ConnectionString(lab.Coordinator, LabClusterOptions.Database);
    builder.AddNpgsqlDataSource("mediai");
}

var app = builder.Build();
app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapLabEndpoints();
app.Run();
return 0;
