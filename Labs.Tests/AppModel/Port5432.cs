namespace MediAI.Labs.Tests.AppModel;

/// <summary>Tests that read or hold the default coordinator port run one at a time.</summary>
public static class Port5432
{
    public const string Collection = "default coordinator port 5432";
}
