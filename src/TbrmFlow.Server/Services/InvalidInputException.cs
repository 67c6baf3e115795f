namespace TbrmFlow.Server.Services;

/// <summary>Bad input to a service; the HTTP API answers 400 with a problem-details body naming <see cref="Field"/> and <see cref="Allowed"/>.</summary>
/// <param name="field">The input at fault (e.g. <c>name</c>, <c>params.seed</c>).</param>
/// <param name="message">What is wrong, for the user.</param>
/// <param name="allowed">Allowed values or the allowed form, when there is a short list.</param>
public sealed class InvalidInputException(string field, string message, IReadOnlyList<string>? allowed = null) : Exception(message)
{
    /// <summary>The input at fault.</summary>
    public string Field { get; } = field;

    /// <summary>Allowed values or form, or null.</summary>
    public IReadOnlyList<string>? Allowed { get; } = allowed;
}
