namespace TbrmFlow.Server.Services;

/// <summary>A validator diagnostic, as <c>tbrmflow validate</c> prints it (<c>FILE:LINE:COL: severity CODE: message</c>).</summary>
/// <param name="Severity"><c>error</c> or <c>warning</c>.</param>
/// <param name="Code">Stable code, e.g. <c>TF0013</c>.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong and, when known, how to fix it.</param>
public sealed record DiagnosticDto(string Severity, string Code, int Line, int Column, string Message);
