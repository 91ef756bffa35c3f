package org.flows4j.bench;

import java.util.Locale;
import org.flows4j.tensor.kernel.MatMul;
import org.flows4j.tensor.Parallel;

/**
 * A quick report without JMH for the convolutions of {@link ConvBenchmark}: the single-thread FMA
 * peak, then forward and forward + backward of each case for 1 and 2 threads, each the best of
 * several timed rounds after a warm-up round, in GFLOP/s ({@link ConvBenchmark.Shape#flops()} per
 * forward, three times that per forward + backward) with the ratio to the peak times the thread count.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp flows4j-bench/target/benchmarks.jar
 * org.flows4j.bench.ConvReport [secondsPerCase] [rounds] [case ...]} (defaults 2, 4 and all cases).
 */
public final class ConvReport {
    private static volatile Object sink;

    private ConvReport() {
    }

    /** Prints the report; optional arguments: seconds per case, rounds per case, cases. */
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String[] cases = args.length > 2 ? java.util.Arrays.copyOfRange(args, 2, args.length) : ConvBenchmark.CASES;
        System.out.println("kernels: " + MatMul.kernelName() + "; JDK " + System.getProperty("java.version")
                + "; " + Runtime.getRuntime().availableProcessors() + " processors; batch " + ConvBenchmark.N);
        Parallel.setThreads(1);
        double peak = MatMulReport.best(() -> sink = PeakFlopsBenchmark.run(), PeakFlopsBenchmark.flopsPerCall(),
                seconds, rounds);
        System.out.printf(Locale.ROOT, "%-30s %8.1f GFLOP/s%n", "peak FMA, 1 thread", peak);
        for (String c : cases) {
            ConvBenchmark.Shape s = ConvBenchmark.Shape.parse(c);
            ConvBenchmark.Layer layer = new ConvBenchmark.Layer(s);
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                double fwd = MatMulReport.best(() -> sink = layer.forward(), s.flops(), seconds, rounds);
                double both = MatMulReport.best(() -> sink = layer.forwardBackward(), 3 * s.flops(), seconds, rounds);
                System.out.printf(Locale.ROOT, "%-16s %d thr  fwd %7.1f GFLOP/s (%5.1f%%)  fwd+bwd %7.1f GFLOP/s (%5.1f%%)%n",
                        c, threads, fwd, 100 * fwd / (peak * threads), both, 100 * both / (peak * threads));
            }
        }
    }
}
