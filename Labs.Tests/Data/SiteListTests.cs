using System.Text.RegularExpressions;
using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Data;

/// <summary>
/// The four sites are defined once (ServiceDefaults/Lab/LabSites.cs) for the app model, the
/// services and the checker; the script students run by hand (data/init-cluster.sql) spells them
/// out again for psql, so it is checked against that definition.
/// </summary>
public sealed partial class SiteListTests
{
    /// <summary>init-cluster.sql's VALUES rows: ('Paris', 'France', 'Paris', :'paris_host', :paris_port, 'citus_master').</summary>
    [GeneratedRegex(@"\('(?<site>\w+)',\s*'(?<country>\w+)',\s*'(?<origin>\w+)',\s*:'(?<var>\w+)_host',\s*:\k<var>_port,\s*'(?<container>\w+)'\)")]
    private static partial Regex InitClusterRow();

    [Fact]
    public void Init_cluster_sql_lists_the_app_models_sites_in_order()
    {
        var script = File.ReadAllText(Path.Combine(Installations.DataDir, "init-cluster.sql"));
        var rows = InitClusterRow().Matches(script)
            .Select(m => (m.Groups["site"].Value, m.Groups["country"].Value, m.Groups["origin"].Value, m.Groups["var"].Value, m.Groups["container"].Value))
            .ToList();
        Assert.Equal(
            LabSites.All.Select(s => (s.SiteOrigin, s.Country, s.SiteOrigin, s.Name, s.ContainerName)),
            rows);
        foreach (var site in LabSites.All)
        {
            // Every psql variable the bootstrap sets has a default, so the file also runs by hand.
            Assert.Contains($@"\if :{{?{site.Name}_host}} \else \set {site.Name}_host '' \endif", script);
            Assert.Contains($@"\if :{{?{site.Name}_port}} \else \set {site.Name}_port 0 \endif", script);
        }
    }
}
