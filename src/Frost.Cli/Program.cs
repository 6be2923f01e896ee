return Frost.Cli.CliApp.Run(args);
