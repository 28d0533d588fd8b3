using MediAI.AppHost.Nodes;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>The PostgreSQL installations the tests can use on this machine.</summary>
public static class Installations
{
    /// <summary>A PostgreSQL bin folder with Citus, for the Citus tier (.ci/run sets it from ../shared/citus/build.sh).</summary>
    public const string CitusBinVariable = "MEDIAI_CITUS_PG_BIN";

    private static readonly Lazy<PostgresInstallation?> PlainInstallation = new(() => PostgresInstallation.Find(null));

    private static readonly Lazy<PostgresInstallation?> CitusInstallation = new(() =>
    {
        var configured = Environment.GetEnvironmentVariable(CitusBinVariable);
        var found = PostgresInstallation.Find(string.IsNullOrWhiteSpace(configured) ? null : configured);
        return found is { HasCitus: true } ? found : null;
    });

    /// <summary>
    /// Any PostgreSQL 15+ server (the plain tier needs one: .ci/run installs it), run without
    /// Citus even where it has Citus: the plain tier tests the lab on plain PostgreSQL, and its
    /// servers play several sites at once, which a Citus cluster cannot.
    /// </summary>
    public static PostgresInstallation Plain =>
        PlainInstallation.Value is { } found ? found with { HasCitus = false } : throw new InvalidOperationException(
            "No PostgreSQL server programs found. Install them (Debian/Ubuntu: apt-get install postgresql-15) and run the tests again.");

    public static PostgresInstallation? Citus => CitusInstallation.Value;

    public const string CitusSkipReason =
        "Citus tier skipped: no PostgreSQL with Citus on this machine. Set " + CitusBinVariable +
        " to the bin folder of a PostgreSQL that has Citus 12.1 (or install postgresql-15-citus-12.1) to run it.";

    /// <summary>Skips the calling test, saying why, where no PostgreSQL with Citus is installed (the test must carry [NeedsCitus]).</summary>
    public static void RequireCitus()
    {
        NeedsCitusAttribute.AssertOnCurrentTest();
        Assert.SkipWhen(Citus is null, CitusSkipReason);
    }

    /// <summary>The repository's data/ folder.</summary>
    public static string DataDir => Path.Combine(RepositoryRoot, "data");

    /// <summary>The clone the tests were built in (the folder holding Aspire.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Aspire.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Cannot find the repository root (Aspire.sln) above " + AppContext.BaseDirectory);
        }
    }
}
