namespace MediAI.Coordinator.Classroom;

/// <summary>The students of a class folder: its subfolders, by name (names starting with _ or . are not students).</summary>
public static class ClassFolder
{
    public static List<string> Students(string folder, string output) =>
        [.. Directory.EnumerateDirectories(folder)
            .Where(d => !Path.GetFileName(d).StartsWith('_') && !Path.GetFileName(d).StartsWith('.') && Path.GetFullPath(d) != Path.GetFullPath(output))
            .Select(Path.GetFileName).OfType<string>()
            .Order(StringComparer.Ordinal)];
}
