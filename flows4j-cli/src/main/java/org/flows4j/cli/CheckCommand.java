package org.flows4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.transform.Transform;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flows4j check}: runs the public {@link TransformChecker} (float64, tolerance 1e-8, parameters
 * perturbed by N(0, 0.1^2) so identity-initialized layers are exercised) on the library's transforms,
 * {@link TransformChecker#builtinTransforms}: every registered part type's example that is or holds a transform,
 * by type name, and the ready-made flows ({@code flow:KIND}, {@code flow:KIND+context}). It prints one line per
 * transform: name, {@code pass} or {@code FAIL}, the worst error and, for a failure, the failing properties.
 * Exit code 1 if any fails.
 */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Run the transform checker on built-in transforms.")
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true)
    Which which = new Which();

    static final class Which {
        @Option(names = "--all", description = "Check every built-in transform (the default).")
        boolean all;

        @Option(names = "--transform", description = "Check one transform by name; --list shows the names.")
        String transform;

        @Option(names = "--list", description = "List the names and exit.")
        boolean list;
    }

    @Option(names = "--dim", defaultValue = "3", description = "Features D (default: ${DEFAULT-VALUE}).")
    int dim;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        if (dim < 2) {
            throw new IllegalArgumentException("--dim must be >= 2, got " + dim);
        }
        Map<String, Transform> builtins = TransformChecker.builtinTransforms(dim);
        if (which.list) {
            builtins.keySet().forEach(w::println);
            return 0;
        }
        if (which.transform != null && !builtins.containsKey(which.transform)) {
            throw new IllegalArgumentException("unknown transform '" + which.transform + "'; known: "
                    + String.join(", ", builtins.keySet()));
        }
        boolean allPassed = true;
        String name = "%-" + builtins.keySet().stream().mapToInt(String::length).max().orElse(0) + "s";
        w.printf(Locale.ROOT, name + " %-6s %s%n", "transform (D=" + dim + ")", "result", "worst error");
        for (Map.Entry<String, Transform> e : builtins.entrySet()) {
            if (which.transform != null && !which.transform.equals(e.getKey())) {
                continue;
            }
            CheckReport r = new TransformChecker().parameterNoise(0.1).check(e.getValue());
            allPassed &= r.passed();
            w.printf(Locale.ROOT, name + " %-6s %.2e%s%n", e.getKey(), r.passed() ? "pass" : "FAIL", r.worstError(),
                    r.passed() ? "" : "  " + r.failures());
            w.flush();
        }
        return allPassed ? 0 : 1;
    }
}
