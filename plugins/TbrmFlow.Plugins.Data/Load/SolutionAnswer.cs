namespace TbrmFlow.Plugins.Data.Load;

/// <summary>How the reference answer is taken from the mapped <c>answer</c> field.</summary>
public enum SolutionAnswer
{
    /// <summary>The field is the answer as it is.</summary>
    None,

    /// <summary>The field is a worked solution ending in <c>#### answer</c> (GSM8K); the text before <c>####</c> becomes the solution.</summary>
    Hash,

    /// <summary>The field is a worked solution; the answer is its last <c>\boxed{}</c> (MATH); the whole text becomes the solution.</summary>
    Boxed,
}
