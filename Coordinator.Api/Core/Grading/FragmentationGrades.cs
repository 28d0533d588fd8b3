using System.Globalization;
using MediAI.Coordinator.Core.Fragmentation;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>Part 1: the student's views, checked with the fragmentation checker the API serves too, and their reconstruction queries.</summary>
public static class FragmentationGrades
{
    private static readonly string[] FinancialColumns = ["idtrans", "idpatient", "date", "amount", "currency"];
    private static readonly string[] ManagementColumns = ["idtrans", "idpatient", "type", "status"];

    public static readonly string[] HorizontalViews = [.. LabSites.All.Select(s => $"TrainingData_{s.SiteOrigin}")];
    public static readonly string[] VerticalViews = ["MedicalRecords_Clinical", "MedicalRecords_AI"];
    public static readonly string[] HybridViews = [.. LabSites.All.SelectMany(s => new[] { $"Trans_{s.Code}_Financial", $"Trans_{s.Code}_Management" })];

    /// <summary>1.1: TrainingData_Paris … TrainingData_Tokyo, one per siteOrigin.</summary>
    public static async Task<Verdict> HorizontalTrainingData(GradeContext c)
    {
        var views = LabSites.All.Zip(HorizontalViews, (site, view) => (Site: site, View: view)).ToList();
        if (await MissingAsync(c, views.Select(v => v.View)) is { Count: > 0 } missing)
        {
            return Verdict.Fail(missing);
        }

        var problems = Failures(await c.Fragmentation.CheckAsync(c.Connection,
            new FragmentationRequest { Table = "TrainingData", Type = "horizontal", Fragments = [.. views.Select(v => v.View)] }, CancellationToken.None));
        foreach (var (site, view) in views)
        {
            problems.AddRange(await AllocationAsync(c, view, "trainingdata", "iddata", "siteorigin", site.SiteOrigin));
        }

        return Verdict.From(problems, "complete, disjoint, reconstructible, and each view holds exactly its site's rows");
    }

    /// <summary>1.2: MedicalRecords_Clinical and MedicalRecords_AI, joined on idRecord.</summary>
    public static async Task<Verdict> VerticalMedicalRecords(GradeContext c)
    {
        var views = VerticalViews;
        if (await MissingAsync(c, views) is { Count: > 0 } missing)
        {
            return Verdict.Fail(missing);
        }

        var problems = new List<string>();
        var all = (await ColumnsOfAsync(c, "MedicalRecords")).Count;
        foreach (var view in views)
        {
            if ((await ColumnsOfAsync(c, view)).Count >= all)
            {
                problems.Add($"{view} has every column of MedicalRecords: a vertical fragment keeps the key and only some columns");
            }
        }

        problems.AddRange(Failures(await c.Fragmentation.CheckAsync(c.Connection,
            new FragmentationRequest { Table = "MedicalRecords", Type = "vertical", Fragments = [.. views], Key = ["idRecord"] }, CancellationToken.None)));
        return Verdict.From(problems, "every column kept, and the JOIN on idRecord gives back MedicalRecords");
    }

    /// <summary>1.3: Trans_{FR,TN,CA,JP}_{Financial,Management}.</summary>
    public static async Task<Verdict> HybridTransactions(GradeContext c)
    {
        var groups = LabSites.All.Select(s => (Site: s, Financial: $"Trans_{s.Code}_Financial", Management: $"Trans_{s.Code}_Management")).ToList();
        if (await MissingAsync(c, groups.SelectMany(g => new[] { g.Financial, g.Management })) is { Count: > 0 } missing)
        {
            return Verdict.Fail(missing);
        }

        var problems = new List<string>();
        foreach (var (site, financial, management) in groups)
        {
            problems.AddRange(await ColumnsAsync(c, financial, FinancialColumns));
            problems.AddRange(await ColumnsAsync(c, management, ManagementColumns));
        }

        if (problems.Count > 0)
        {
            return Verdict.Fail(problems);
        }

        problems.AddRange(Failures(await c.Fragmentation.CheckAsync(c.Connection, new FragmentationRequest
        {
            Table = "Transactions",
            Type = "hybrid",
            Groups = [.. groups.Select(g => new List<string> { g.Financial, g.Management })],
            Key = ["idTrans"],
            Implied = ["country"],
        }, CancellationToken.None)));
        foreach (var (site, financial, management) in groups)
        {
            problems.AddRange(await AllocationAsync(c, financial, "transactions", "idtrans", "country", site.Country));
            problems.AddRange(await AllocationAsync(c, management, "transactions", "idtrans", "country", site.Country));
        }

        return Verdict.From(problems, "8 fragments: each country's rows, financial and management columns, and together they give back Transactions");
    }

    /// <summary>1.2b: the JOIN of the two vertical fragments.</summary>
    public static Task<Verdict> VerticalReconstruction(GradeContext c) =>
        QueryGrades.SameRowsAs(c, "SELECT * FROM MedicalRecords", mustUse: ["medicalrecords_clinical", "medicalrecords_ai"]);

    /// <summary>1.3b: France's transactions rebuilt from its two fragments.</summary>
    public static Task<Verdict> HybridReconstruction(GradeContext c) =>
        QueryGrades.SameRowsAs(c, "SELECT idTrans, idPatient, date, amount, currency, type, status FROM Transactions WHERE country = 'France'",
            mustUse: ["trans_fr_financial", "trans_fr_management"]);

    private static List<string> Failures(FragmentationReport report) =>
        [.. report.Checks.Where(p => !p.Passed).Select(p => $"{p.Property}: {p.Explanation}"
            + (p.OffendingRows.Count > 0 ? ", e.g. " + string.Join(" ", p.OffendingRows.Take(3).Select(r => "(" + string.Join(", ", r.Select(Show)) + ")")) : ""))];

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        DateTime d when d.TimeOfDay == TimeSpan.Zero => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static async Task<List<string>> MissingAsync(GradeContext c, IEnumerable<string> views)
    {
        var missing = new List<string>();
        foreach (var view in views)
        {
            if (!await c.ExistsAsync(view))
            {
                missing.Add($"view {view} does not exist: write its CREATE OR REPLACE VIEW in {c.SqlFile}");
            }
        }

        return missing;
    }

    /// <summary>The fragment holds exactly the rows of its site (compared on the key).</summary>
    private static async Task<List<string>> AllocationAsync(GradeContext c, string view, string table, string key, string column, string value)
    {
        var wrong = await c.ScalarAsync<long>($"""
            SELECT count(*) FROM (
                (SELECT {key} FROM {view} EXCEPT SELECT {key} FROM {table} WHERE {column} = $1)
                UNION ALL
                (SELECT {key} FROM {table} WHERE {column} = $1 EXCEPT SELECT {key} FROM {view})) AS d
            """, value);
        return wrong == 0 ? [] : [$"{view} must hold exactly the rows WHERE {column} = '{value}' ({wrong} row(s) differ)"];
    }

    private static Task<IReadOnlyList<string>> ColumnsOfAsync(GradeContext c, string relation) =>
        FragmentationChecker.ColumnsAsync(c.Connection, relation, relation, CancellationToken.None);

    private static async Task<List<string>> ColumnsAsync(GradeContext c, string view, string[] expected)
    {
        var columns = (await ColumnsOfAsync(c, view)).Where(name => name != "country").ToHashSet();
        return columns.SetEquals(expected) ? [] : [$"{view} has the columns ({string.Join(", ", columns.Order())}); it should have ({string.Join(", ", expected)}), like the France view"];
    }
}
