using System.Text.Json.Nodes;

namespace TbrmFlow.Abstractions.Descriptors;

/// <summary>One input or output of an activity.</summary>
/// <param name="Name">snake_case name as written in YAML.</param>
/// <param name="ClrType">The property's type.</param>
/// <param name="Required">Inputs: must be given (C# <c>required</c>).</param>
/// <param name="Default">Inputs: the value used when omitted.</param>
/// <param name="Description">From the property's doc comment or [Description].</param>
public sealed record PortDescriptor(string Name, Type ClrType, bool Required, JsonNode? Default, string Description);
