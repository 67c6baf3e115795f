namespace TbrmFlow.Cli;

/// <summary>Process exit codes of <c>tbrmflow</c>.</summary>
public static class ExitCodes
{
    /// <summary>Everything succeeded.</summary>
    public const int Ok = 0;

    /// <summary>The run (or another operation) started and failed.</summary>
    public const int RunFailed = 1;

    /// <summary>Bad input or usage: unknown option, missing file, invalid workflow.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
