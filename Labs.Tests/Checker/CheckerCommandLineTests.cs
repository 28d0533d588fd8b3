using MediAI.Labs.Tests.Infrastructure;

namespace MediAI.Labs.Tests.Checker;

/// <summary>The checker's command line, as a student meets it: --help, and a mistyped option.</summary>
public sealed class CheckerCommandLineTests
{
    [Fact]
    public async Task Help_shows_the_command_students_type_and_every_option()
    {
        var help = await LabCheck.RunArgsAsync("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("dotnet run --project Coordinator.Api/Checker -- [folder] [options]", help.Output);
        foreach (var option in new[] { "--json", "--host", "--port", "--user", "--password", "--timeout" })
        {
            Assert.Contains(option, help.Output);
        }
    }

    [Fact]
    public async Task An_unknown_option_is_named_then_the_usage_text_and_exit_2()
    {
        var wrong = await LabCheck.RunArgsAsync("exercises", "--jsno");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("--jsno", wrong.Error);
        Assert.Contains("Usage: dotnet run --project Coordinator.Api/Checker", wrong.Output);

        var notANumber = await LabCheck.RunArgsAsync("--port", "five");
        Assert.Equal(2, notANumber.ExitCode);
        Assert.Contains("five", notANumber.Error);
    }
}
