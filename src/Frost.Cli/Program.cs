using System.CommandLine;
using Frost.Cli.Commands;

var root = new RootCommand("frost: fine-tune neural networks in .NET with precise control over what trains.");
var mlp = MlpCommand.Create();
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(mlp);
root.SetAction(parse => DemoCommand.Run());
return root.Parse(args).Invoke();
