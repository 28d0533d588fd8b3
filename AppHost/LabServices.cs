using System.Reflection;

namespace MediAI.AppHost;

/// <summary>
/// The lab's .NET services (site agents, coordinator API, bootstrap) as resources.
/// </summary>
/// <remarks>
/// They run as "dotnet &lt;built dll&gt;" rather than as project resources, which Aspire starts
/// through "dotnet run": measured on a 2-core machine, each "dotnet run" wrapper stays resident
/// (~135 MB) and spends seconds of CPU evaluating MSBuild before the service starts — six of them
/// doubled the lab's start time. "dotnet run --project AppHost" builds these projects first
/// (they are ProjectReferences), so the dlls are always current.
/// </remarks>
public static class LabServices
{
    private static readonly string Configuration =
        typeof(LabServices).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>A lab service with an HTTP endpoint on loopback (fixed proxy port when <paramref name="port"/> is given).</summary>
    public static IResourceBuilder<ExecutableResource> AddLabService<TProject>(this IDistributedApplicationBuilder builder, string name, int? port = null)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddLabWorker<TProject>(name)
            .WithHttpEndpoint(port: port, name: "http", env: "LAB_HTTP_PORT");
        var http = service.GetEndpoint("http");
        return service.WithEnvironment("ASPNETCORE_URLS", $"http://127.0.0.1:{http.Property(EndpointProperty.TargetPort)}");
    }

    /// <summary>A lab service without endpoints (runs, logs, exits).</summary>
    public static IResourceBuilder<ExecutableResource> AddLabWorker<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var projectPath = new TProject().ProjectPath;
        var projectDir = Path.GetDirectoryName(projectPath)!;
        var dll = Path.Combine(projectDir, "bin", Configuration, "net10.0", Path.GetFileNameWithoutExtension(projectPath) + ".dll");
        if (!File.Exists(dll) && builder.ExecutionContext.IsRunMode)
        {
            throw new InvalidOperationException($"{dll} is missing. Build the solution first: dotnet build Aspire.sln -c {Configuration}");
        }

        // The dll relative to the working folder: the dashboard's Source column then reads
        // "dotnet bin/Debug/net10.0/SiteAgents.dll", the same on every machine, no home folder in it.
        return builder.AddExecutable(name, "dotnet", projectDir, Path.GetRelativePath(projectDir, dll))
            .WithOtlpExporter()
            .WithEnvironment("DOTNET_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName);
    }
}
