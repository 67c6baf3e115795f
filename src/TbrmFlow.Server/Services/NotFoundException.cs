namespace TbrmFlow.Server.Services;

/// <summary>An unknown workflow, run or stage; the HTTP API answers 404.</summary>
/// <param name="message">What was not found.</param>
public sealed class NotFoundException(string message) : Exception(message);
