using System.CommandLine;
using TbrmFlow.Cli;
using TbrmFlow.Cli.Commands;

var root = new RootCommand("TbrmFlow: reinforcement-learning experiments on language models as YAML workflows.")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    ResumeCommand.Create(),
    RunsCommand.Create(),
    ShowCommand.Create(),
    SchemaCommand.Create(),
    ActivitiesCommand.Create(),
    MlflowCommand.Create(),
    CompareCommand.Create(),
    EvalCommand.Create(),
    ModelCommand.Create(),
    WorkerCommand.Create(),
    CancelCommand.Create(),
};
return await CommandLine.InvokeAsync(root, args);
