package dev.masklab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code masklab} command-line tool; each subcommand lives in its own class. */
@Command(name = "masklab", mixinStandardHelpOptions = true, version = "MaskLab 0.1.0",
        description = "MaskLab: COCO datasets, masks, evaluation and Mask R-CNN from the command line.",
        subcommands = {CommandLine.HelpCommand.class,
            GenerateCommand.class,
            EvalCommand.class,
            ConvertCommand.class,
            StatsCommand.class,
            TrainCommand.class,
            PredictCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    /** The configured command line, so that tests can run subcommands in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
