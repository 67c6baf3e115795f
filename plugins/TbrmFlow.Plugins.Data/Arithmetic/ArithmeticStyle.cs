namespace TbrmFlow.Plugins.Data.Arithmetic;

/// <summary>How an arithmetic question is written.</summary>
public enum ArithmeticStyle
{
    /// <summary><c>12+34*5=</c>: short, for character tokenizers (the CPU quickstart).</summary>
    Compact,

    /// <summary><c>What is 12 + 34 * 5?</c></summary>
    Question,
}
