using System.Text;

namespace MediAI.Coordinator.Core.Grading;

/// <summary>A student's file that the checker cannot read: every question answered in it fails with this reason.</summary>
public sealed class UnreadableFileException(string message) : Exception(message);

/// <summary>
/// Reads a student's file as psql would: UTF-8 (with or without its byte-order mark). A file saved
/// in another encoding (UTF-16 by some Windows editors, Latin-1 by old ones) is not guessed at: it
/// is named, with how to fix it, since psql would choke on it too.
/// </summary>
public static class AnswerFile
{
    /// <summary>Bigger than any answer: a file past this is not the student's work (a dump, a binary).</summary>
    public const int MaxBytes = 1024 * 1024;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file parsed, null when it does not exist; throws <see cref="UnreadableFileException"/> saying why it cannot be read.</summary>
    public static async Task<ExerciseFile?> LoadAsync(string folder, string relative, CancellationToken ct)
    {
        var path = Path.Combine(folder, relative);
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes)
            {
                throw new UnreadableFileException($"{relative} is {length / 1024 / 1024.0:0.0} MB: an answer file is text of a few kB; put back your answers");
            }

            bytes = await File.ReadAllBytesAsync(path, ct);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UnreadableFileException($"{relative} cannot be read ({e.Message}): make it readable (chmod a+r) or restore it");
        }

        return ExerciseFile.Parse(relative, Decode(relative, bytes));
    }

    public static string Decode(string relative, byte[] bytes)
    {
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            throw new UnreadableFileException($"{relative} is saved as UTF-16: save it as UTF-8 (psql reads UTF-8), then commit it again");
        }

        var start = bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        try
        {
            return Strict.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            var at = e.Index >= 0 ? start + e.Index : 0;
            var line = 1 + bytes.Take(at).Count(b => b == (byte)'\n');
            throw new UnreadableFileException($"{relative} is not UTF-8 (line {line} has byte 0x{bytes[Math.Min(at, bytes.Length - 1)]:X2}, Latin-1 or Windows-1252 perhaps): save it as UTF-8, then commit it again");
        }
    }
}
