using System.Data.Common;
using Microsoft.Extensions.Configuration;

namespace MediAI.Lab;

/// <summary>
/// Where a program reaches a site's node: the connection string the AppHost gives it by
/// WithReference to the node (ConnectionStrings:&lt;site&gt;, Aspire's PostgreSQL form:
/// Host=…;Port=…;Username=…;Password=…), read without a database client library.
/// </summary>
public sealed record NodeAddress(string Host, int Port, string UserName, string Password)
{
    public static NodeAddress From(IConfiguration configuration, string site)
    {
        var key = $"ConnectionStrings:{site}";
        var text = configuration.GetConnectionString(site);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new LabSettingException($"Setting {key} is missing (where the {site} node is). {LabSettingException.StartThroughAppHost}");
        }

        var parts = new DbConnectionStringBuilder { ConnectionString = text };
        string Part(string name) => parts.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";
        var host = Part("Host");
        var port = Part("Port") is { Length: > 0 } p ? p : "5432";
        if (host.Length == 0 || !int.TryParse(port, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is <= 0 or > 65_535)
        {
            throw new LabSettingException($"Setting {key} needs a Host and a Port from 1 to 65535 (it has Host='{host}', Port='{port}'). {LabSettingException.StartThroughAppHost}");
        }

        return new NodeAddress(host, number, Part("Username") is { Length: > 0 } user ? user : "postgres", Part("Password"));
    }

    public override string ToString() => $"{Host}:{Port}";
}
