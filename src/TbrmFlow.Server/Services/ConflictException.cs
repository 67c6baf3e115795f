namespace TbrmFlow.Server.Services;

/// <summary>The request does not fit the current state (e.g. resuming a run that is still running); the HTTP API answers 409.</summary>
/// <param name="message">Why.</param>
public sealed class ConflictException(string message) : Exception(message);
