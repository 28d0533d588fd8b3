namespace MediAI.Coordinator.Classroom;

/// <summary>
/// The handout's "one commit at 23:58 with everything done = suspicious": every commit the student
/// made (after the assignment's first commit, up to the one graded) lies in the last
/// <c>minutes</c> before the deadline. A flag for the professor; it changes no grade. Committer
/// dates, as git records them (a student can set them: it is a hint, not proof).
/// </summary>
public static class LateBurst
{
    public const int DefaultMinutes = 60;

    /// <returns>Null without a deadline (nothing to be late for); false when the student made no commit of their own.</returns>
    /// <param name="roots">The commit's first commits (<see cref="GitClone.RootsAsync"/>): the assignment's, not the student's.</param>
    public static async Task<bool?> FindAsync(string clone, string commit, IReadOnlyList<string> roots, DateTimeOffset? deadline, int minutes, CancellationToken ct)
    {
        if (deadline is not { } at)
        {
            return null;
        }

        var dates = (await GitClone.TextAsync(clone, ct, ["log", "--format=%cI", commit, "--not", .. roots]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => DateTimeOffset.Parse(d, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        return dates.Count > 0 && dates.All(d => d > at.AddMinutes(-minutes) && d <= at);
    }
}
