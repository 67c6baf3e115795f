using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Model;

namespace TbrmFlow.Engine.Planning;

/// <summary>One node of the run's DAG: a stage for one matrix cell.</summary>
/// <param name="Id">Instance id, e.g. <c>evaluate[policy=sft]</c> (relative to its repeat iteration, if any).</param>
/// <param name="Stage">The stage it comes from.</param>
/// <param name="Cell">The matrix cell, or null.</param>
/// <param name="DependsOn">Instance ids (in the same plan) that must finish first.</param>
/// <param name="Keys">Every stage key its expressions read (for building its <c>stages</c> scope), including outer ones.</param>
public sealed record StageInstance(string Id, StageDefinition Stage, JsonObject? Cell, IReadOnlyList<string> DependsOn, IReadOnlyList<string> Keys);
