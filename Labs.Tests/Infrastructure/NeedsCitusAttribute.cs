using Xunit.v3;

namespace MediAI.Labs.Tests.Infrastructure;

/// <summary>
/// Marks a test (or every test of a class) that needs Citus — a PostgreSQL with Citus or a
/// Citus node image. CI counts these apart ("citus tests: N passed, …" in .ci/run), and
/// <c>dotnet test Labs.Tests --filter Needs=Citus</c> runs them alone. A test that asks for Citus
/// (<see cref="Installations.RequireCitus"/>, <c>ContainerEngine.RequireCitus</c>) without this
/// mark fails, so none goes uncounted.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class NeedsCitusAttribute : Attribute, ITraitAttribute
{
    public const string Name = "Needs";
    public const string Value = "Citus";

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new(Name, Value)];

    /// <summary>Fails the running test if it asks for Citus without carrying this mark.</summary>
    public static void AssertOnCurrentTest()
    {
        if (TestContext.Current.Test is { } test
            && !(test.Traits.TryGetValue(Name, out var values) && values.Contains(Value)))
        {
            Assert.Fail($"{test.TestDisplayName} needs Citus but is not marked [NeedsCitus]: mark it, so CI counts it among the Citus tests.");
        }
    }
}
