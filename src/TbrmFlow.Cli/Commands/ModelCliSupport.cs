using Spectre.Console;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Checkpoints;

namespace TbrmFlow.Cli.Commands;

/// <summary>Shared error handling of the model commands: bad input -> message + exit 2, never a stack trace.</summary>
internal static class ModelCliSupport
{
    /// <summary>Runs <paramref name="body"/>, mapping input errors to <see cref="ExitCodes.BadInput"/>.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            TorchRuntime.EnsureLoaded();
            return body();
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FileNotFoundException or DirectoryNotFoundException)
        {
            var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {message}");
            return ExitCodes.BadInput;
        }
        catch (InvalidOperationException e)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.RunFailed;
        }
    }

    /// <summary>Writes a JSON document on one line to stdout (not through Spectre, which wraps long lines).</summary>
    public static void WriteJson(System.Text.Json.Nodes.JsonNode document) =>
        Console.Out.WriteLine(document.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));

    /// <summary>Loads a checkpoint, with a clear message when the directory is not one.</summary>
    public static ModelCheckpoint LoadCheckpoint(string directory) => ModelCheckpoint.Load(directory);
}
