package org.flows4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code flows4j} command line: dispatches to the sub-commands. */
@Command(name = "flows4j", mixinStandardHelpOptions = true, version = "flows4j 0.1.0-SNAPSHOT",
        description = "Normalizing flows for the JVM: train, evaluate and sample density models.",
        subcommands = {DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /**
     * Runs the command line and returns its exit code (0 ok, 1 a check failed, 2 bad input). An
     * argument picocli cannot parse prints one line naming it, then exits 2.
     */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((e, rest) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(c.getCommandName() + ": " + e.getMessage());
            c.getErr().flush();
            return 2;
        });
        return cl.execute(args);
    }

    /** Process entry point. */
    public static void main(String[] args) {
        System.exit(run(args));
    }
}
