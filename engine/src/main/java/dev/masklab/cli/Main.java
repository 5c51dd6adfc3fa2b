package dev.masklab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code masklab} command-line tool; each subcommand lives in its own class. */
@Command(
        name = "masklab",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "MaskLab: COCO datasets, masks, evaluation and Mask R-CNN from the command line.",
        subcommands = {
            CommandLine.HelpCommand.class,
            GenerateCommand.class,
            EvalCommand.class,
            ConvertCommand.class,
            StatsCommand.class,
            TrainCommand.class,
            PredictCommand.class,
            SegmentCommand.class,
            ExportCommand.class,
            InfoCommand.class
        })
public final class Main implements Runnable {
    /** The project version, from the jar manifest (Maven's project version); "dev" when run from classes. */
    public static final String VERSION =
            java.util.Objects.requireNonNullElse(Main.class.getPackage().getImplementationVersion(), "dev");

    /** picocli version provider: {@code masklab --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"MaskLab " + VERSION};
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The configured command line, so that tests can run subcommands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = FiniteNumbers.register(new CommandLine(new Main()));
        // a usage mistake is one line and a pointer to the help, exit 2 (not the whole usage text)
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("masklab: " + ex.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            return 2;
        });
        // a JVM error (out of memory, stack overflow) thrown by a command is one line with a hint, exit 1
        cl.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (Error e) {
                CommandLine.ParseResult last = parseResult;
                while (last.subcommand() != null) last = last.subcommand();
                CommandLine cmd = last.commandSpec().commandLine();
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + CliErrors.describe(e));
                cmd.getErr().flush();
                if (System.getenv("MASKLAB_DEBUG") != null) e.printStackTrace(cmd.getErr());
                return 1;
            }
        });
        // an unexpected failure is a message naming the command and the cause, not a stack trace
        // (MASKLAB_DEBUG=1 adds the trace); commands report the failures they expect themselves
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            StringBuilder msg = new StringBuilder(cmd.getCommandSpec().qualifiedName()).append(": ");
            msg.append(CliErrors.describe(ex));
            int depth = 0;
            for (Throwable c = ex.getCause(); c != null && c != c.getCause() && depth++ < 8; c = c.getCause()) {
                String m = CliErrors.describe(c);
                if (!msg.toString().contains(m)) msg.append(": ").append(m);
            }
            cmd.getErr().println(msg);
            if (System.getenv("MASKLAB_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        // failures in worker threads are one line too (MASKLAB_DEBUG=1 adds the trace)
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            System.err.println("masklab: " + CliErrors.describe(e));
            if (System.getenv("MASKLAB_DEBUG") != null) e.printStackTrace();
        });
        int rc;
        try {
            rc = commandLine().execute(args);
        } catch (Error e) { // thrown outside a command (parsing, help)
            System.err.println("masklab: " + CliErrors.describe(e));
            rc = 1;
        }
        System.exit(rc);
    }
}
