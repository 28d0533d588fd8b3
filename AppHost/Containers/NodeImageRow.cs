namespace MediAI.AppHost.Containers;

/// <summary>The nodes' image, as a row of the dashboard: which image, and how it came to be here.</summary>
public sealed class NodeImageResource(string name) : Resource(name);

public static class NodeImageRow
{
    /// <summary>
    /// The pull itself happens before the dashboard exists (whether the lab can use containers at all
    /// depends on it; its live progress is in the terminal): this row keeps its outcome in view.
    /// </summary>
    public static void AddNodeImageRow(this IDistributedApplicationBuilder builder, NodeImage image, string source) =>
        builder.AddResource(new NodeImageResource("node-image"))
            .WithIconName("Box")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Image",
                // How it came goes in Source, shown as written (State text is humanized by the dashboard).
                State = new ResourceStateSnapshot("Ready", KnownResourceStateStyles.Success),
                Properties =
                [
                    new(CustomResourceKnownProperties.Source, $"{image.Reference}: {(source.Length > 0 ? source : "not checked")}"),
                    new("image", image.Reference),
                    new("postgresql", image.PostgresMajor?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"),
                    new("citus", image.CitusVersion ?? "none"),
                ],
            })
            .ExcludeFromManifest();
}
