using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace MediAI.AppHost.Containers;

/// <summary>
/// The classroom offline kit: the node image in one file, written once by the professor on a good
/// network (--Lab:SaveImage=FILE) and loaded by the lab on a student's machine (--Lab:ImageFile=FILE),
/// from a USB stick or a shared folder, with no registry at all.
/// </summary>
public static partial class ImageKit
{
    /// <summary>docker save, gzip-compressed (about 40 % of the image), written whole or not at all.</summary>
    public static async Task<string?> SaveAsync(string reference, string file, ILogger logger, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(file);
        var partial = path + ".partial";
        logger.LogInformation("Writing {Image} to {File} …", reference, path);
        var clock = Stopwatch.StartNew();
        using var process = DockerCli.Start("save", reference);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var output = File.Create(partial))
            await using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            {
                await process.StandardOutput.BaseStream.CopyToAsync(gzip, cancellationToken);
            }

            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                File.Delete(partial);
                return $"{DockerCli.Runtime} save {reference} failed: {(await errors).Trim()}";
            }

            File.Move(partial, path, overwrite: true);
        }
        catch (IOException e)
        {
            // Disk full, stick pulled out, no write permission: nothing half-written is left to load later.
            File.Delete(partial);
            return $"Could not write {path}: {e.Message}. The kit needs about 200 MB free there: choose another place or free some space.";
        }
        catch (UnauthorizedAccessException e)
        {
            File.Delete(partial);
            return $"Could not write {path}: {e.Message}. Choose a folder you can write to.";
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        logger.LogInformation(
            "Wrote {File}: {Mb:0} MB in {Seconds:0} s, SHA-256 {Hash}. Students start the lab with: dotnet run --project AppHost -- --Lab:ImageFile={File}",
            path, new FileInfo(path).Length / 1e6, clock.Elapsed.TotalSeconds, await Sha256Async(path, cancellationToken), path);
        return null;
    }

    /// <summary>docker load; the file must hold <paramref name="expected"/> (a kit of another image, or a damaged one, says so).</summary>
    public static string? Load(string file, string expected, ILogger logger)
    {
        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            return $"the kit file {path} does not exist (--Lab:ImageFile)";
        }

        logger.LogInformation("Loading the node image from {File} …", path);
        var load = DockerCli.Run(TimeSpan.FromMinutes(10), "load", "-i", path);
        if (!load.Ok)
        {
            var why = load.Error.Length > 0 ? load.Error : load.Output;
            return why.Contains("no space left on device", StringComparison.OrdinalIgnoreCase)
                ? $"{DockerCli.Runtime} has no room left to load {path}: {why}"
                : $"{path} is damaged or is not an image kit ({DockerCli.Runtime} load: {why}). Copy it again, or ask for a new one " +
                  "(written with --Lab:SaveImage=FILE)";
        }

        var loaded = LoadedImage().Matches(load.Output).Select(m => m.Groups[1].Value.Trim()).ToList();
        if (!loaded.Any(l => ImageReference.Same(l, expected)))
        {
            return $"{path} holds {(loaded.Count > 0 ? string.Join(", ", loaded) : "no tagged image")}, not {expected}. " +
                   $"Use the kit made for this lab, or start the lab with the image it holds: --Lab:Image={loaded.FirstOrDefault() ?? "…"}";
        }

        return null;
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    [GeneratedRegex(@"^Loaded image: (.+)$", RegexOptions.Multiline)]
    private static partial Regex LoadedImage();
}
