using System.CommandLine;
using TbrmFlow.Cli;
using TbrmFlow.Cli.Commands;

var root = new RootCommand("TbrmFlow: reinforcement-learning experiments on language models as YAML workflows.")
{
    RunCommand.Create(),
    ModelCommand.Create(),
};
return await CommandLine.InvokeAsync(root, args);
