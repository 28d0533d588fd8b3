using System.Globalization;
using System.Text;

namespace MediAI.Coordinator.Scale;

/// <summary>
/// One country's generated rows, as COPY text lines, deterministic by seed: the same seed, the same
/// rows. Proportions follow the seed data's (20 patients: 14 medical records, 13 training rows, 18
/// transactions). Ids are unique across countries (a base per country + a counter).
/// </summary>
public sealed class CountryRows(LabSite site, int countryIndex, int patients, int seed)
{
    public const double RecordsPerPatient = 14 / 20.0;
    public const double TrainingPerPatient = 13 / 20.0;
    public const double TransactionsPerPatient = 18 / 20.0;

    private static readonly string[] Exams = ["MRI", "X-Ray", "Blood test", "CT scan", "ECG", "Ultrasound"];
    private static readonly string[] Models = ["DiagNet-3", "CardioAI-2", "RadiaScan-1"];
    private static readonly string[] Kinds = ["consultation", "exam", "hospitalisation", "pharmacy"];
    private static readonly string[] Statuses = ["pending", "paid", "cancelled", "refunded"];
    private static readonly DateOnly Start = new(2023, 1, 1);

    private long Base => (countryIndex + 1) * 1_000_000_000L;

    // Patients' ids are integers: up to 10⁸ a country, below int's limit for all four.
    private int PatientBase => (countryIndex + 1) * 100_000_000;

    private string Currency => site.Country switch { "France" => "EUR", "Tunisia" => "TND", "Canada" => "CAD", _ => "JPY" };

    // Each table its own stream of the seed: a table's rows do not depend on how another's were drawn.
    private Random RandomFor(int table) => new(HashCode.Combine(seed, countryIndex, table));

    public static int Count(int patients, double perPatient) => (int)Math.Round(patients * perPatient);

    public IEnumerable<string> Patients()
    {
        var random = RandomFor(0);
        for (var i = 1; i <= patients; i++)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{PatientBase + i}\tPatient {site.Code}-{i}\t{random.Next(0, 100)}\t{site.City}\t{site.Country}\t{site.SiteOrigin}");
        }
    }

    public IEnumerable<string> MedicalRecords()
    {
        var random = RandomFor(1);
        for (var i = 1; i <= Count(patients, RecordsPerPatient); i++)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{Base + i}\t{PatientBase + random.Next(1, patients + 1)}\t{site.Country}\t{Start.AddDays(random.Next(0, 1000)):yyyy-MM-dd}\t{Exams[random.Next(Exams.Length)]}\tresult {i}\t{Models[random.Next(Models.Length)]}\t{random.Next(0, 10_001) / 10_000m:0.0000}\tv3.{random.Next(0, 3)}");
        }
    }

    public IEnumerable<string> TrainingData()
    {
        var random = RandomFor(2);
        for (var i = 1; i <= Count(patients, TrainingPerPatient); i++)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{Base + i}\t{site.SiteOrigin}\t{Exams[random.Next(Exams.Length)]}\tf1={random.Next(0, 1000)};f2={random.Next(0, 1000)}\t{(random.Next(2) == 0 ? "normal" : "abnormal")}\t{Models[random.Next(Models.Length)]}\t{Start.AddDays(random.Next(0, 1000)):yyyy-MM-dd}");
        }
    }

    public IEnumerable<string> Transactions()
    {
        var random = RandomFor(3);
        for (var i = 1; i <= Count(patients, TransactionsPerPatient); i++)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{Base + i}\t{PatientBase + random.Next(1, patients + 1)}\t{site.Country}\t{Start.AddDays(random.Next(0, 1000)):yyyy-MM-dd} {random.Next(8, 20):00}:00:00\t{Kinds[random.Next(Kinds.Length)]}\t{random.Next(1, 500_000) / 100m:0.00}\t{Currency}\t{Statuses[random.Next(Statuses.Length)]}");
        }
    }
}
