namespace TbrmFlow.Engine.Running;

/// <summary>A stage's inputs could not be resolved or bound; the message is for the user.</summary>
public sealed class StageInputException(string message) : Exception(message);
