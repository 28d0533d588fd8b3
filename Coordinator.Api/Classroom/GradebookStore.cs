using System.Text.Json;
using MediAI.Coordinator.Core.Grading;

namespace MediAI.Coordinator.Classroom;

/// <summary>
/// Where a class grading keeps each student's grade as soon as it is known (out/students/NAME.json):
/// a run that stopped (cancelled, lab down, machine off) starts again from these, skipping what is
/// graded at the same commit. Writes are whole-file replace, so a crash never leaves half a grade.
/// </summary>
public sealed class GradebookStore(string folder)
{
    private readonly string _students = Path.Combine(folder, "students");

    /// <summary>The student's saved grade, if any.</summary>
    public StudentGrade? Find(string student)
    {
        var path = PathOf(student);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<StudentGrade>(File.ReadAllText(path), CheckReport.Json) : null;
        }
        catch (JsonException)
        {
            return null; // not ours, or from an older lab: graded again
        }
    }

    public async Task SaveAsync(StudentGrade grade, CancellationToken ct)
    {
        Directory.CreateDirectory(_students);
        var path = PathOf(grade.Student);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(grade, CheckReport.Json), ct);
        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string student) => Path.Combine(_students, StudentSandbox.RoleFor(student) + ".json");
}
