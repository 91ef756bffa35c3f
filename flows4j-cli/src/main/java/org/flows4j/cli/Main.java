package org.flows4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the {@code flows4j} command line: dispatches to the sub-commands. Exit codes: 0 done,
 * 1 a check failed, 2 bad input (a usage error, a missing or malformed file, an invalid value). Bad input
 * prints one line on stderr naming the problem; {@code --verbose} adds the stack trace.
 */
@Command(name = "flows4j", mixinStandardHelpOptions = true, version = "flows4j 0.1.0-SNAPSHOT",
        description = "Normalizing flows for the JVM: train, evaluate and sample density models.",
        subcommands = {TrainCommand.class, EvalCommand.class, ScoreCommand.class, SampleCommand.class,
            PlotCommand.class, CheckCommand.class, BenchCommand.class, DemoCommand.class, DataCommand.class,
            FitBenchCommand.class, InfoCommand.class, ViCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** Exit code for bad input. */
    public static final int BAD_INPUT = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print the stack trace of an error.")
    boolean verbose;

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** Runs the command line on the process's streams and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output and error streams (tests capture them). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println(ex.getCommandLine().getCommandName() + ": " + ex.getMessage()
                    + " (see --help)");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Main root = cl.getCommand();
            commandLine.getErr().println(commandLine.getCommandName() + ": " + describe(ex));
            if (root.verbose || Boolean.getBoolean("flows4j.verbose")) {
                ex.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return BAD_INPUT;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String describe(Exception ex) {
        if (ex instanceof java.nio.file.NoSuchFileException e) {
            return "file not found: " + e.getFile();
        }
        if (ex instanceof java.nio.file.AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }

    /** Process entry point. */
    public static void main(String[] args) {
        System.exit(run(args));
    }
}
