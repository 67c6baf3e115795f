using Mediator;

namespace TbrmFlow.Abstractions;

/// <summary>
/// A workflow activity's request: a sealed record whose init-only properties are its inputs
/// (snake_case in YAML). It is dispatched by the mediator to exactly one handler.
/// </summary>
/// <typeparam name="TResult">The outputs: a record whose properties are the stage's outputs.</typeparam>
public interface IActivity<out TResult> : IRequest<TResult>
    where TResult : notnull;
