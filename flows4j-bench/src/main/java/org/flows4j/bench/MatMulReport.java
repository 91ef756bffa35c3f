package org.flows4j.bench;

import java.util.Locale;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.LinalgOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.MatMul;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * A quick report without JMH: measures the single-thread FMA peak, then each float32 matmul case
 * and the linear layer for 1 and 2 threads, each for a fixed time split into rounds (after one
 * warm-up round), and prints the best round's GFLOP/s with its ratio to the peak (times the thread
 * count). Best-of-rounds because other processes may share the machine.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp flows4j-bench/target/benchmarks.jar
 * org.flows4j.bench.MatMulReport [secondsPerCase] [rounds]} (defaults 3 and 6).
 */
public final class MatMulReport {
    private static volatile Object sink;

    private MatMulReport() {
    }

    /** Prints the report; optional arguments: seconds per case, rounds per case. */
    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        System.out.println("kernels: " + MatMul.kernelName() + "; JDK " + System.getProperty("java.version")
                + "; " + Runtime.getRuntime().availableProcessors() + " processors");
        Parallel.setThreads(1);
        double peak = best(() -> sink = PeakFlopsBenchmark.run(), PeakFlopsBenchmark.flopsPerCall(), seconds, rounds);
        System.out.printf(Locale.ROOT, "%-34s %8.1f GFLOP/s%n", "peak FMA, 1 thread", peak);
        int[][] shapes = {{512, 128, 128}, {512, 256, 256}};
        String[] layouts = {"NN", "NT", "TN"};
        for (int[] s : shapes) {
            for (String layout : layouts) {
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    double g = matmul(s[0], s[1], s[2], layout, seconds, rounds);
                    print(String.format(Locale.ROOT, "matmul %dx%dx%d %s, %d thr", s[0], s[1], s[2], layout, threads),
                            g, peak * threads);
                }
            }
        }
        for (Activation act : new Activation[] {Activation.RELU, Activation.TANH}) {
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                double g = linear(act, seconds, rounds);
                print(String.format(Locale.ROOT, "linear fwd+bwd %s, %d thr", act, threads), g, peak * threads);
            }
        }
    }

    private static void print(String name, double gflops, double peak) {
        System.out.printf(Locale.ROOT, "%-34s %8.1f GFLOP/s  %5.1f%% of peak%n", name, gflops, 100 * gflops / peak);
    }

    private static double matmul(int n, int k, int m, String layout, double seconds, int rounds) {
        boolean ta = layout.charAt(0) == 'T';
        boolean tb = layout.charAt(1) == 'T';
        Rng rng = new Rng(42);
        Tensor a = ta ? Tensor.randn(rng, DType.FLOAT32, k, n) : Tensor.randn(rng, DType.FLOAT32, n, k);
        Tensor b = tb ? Tensor.randn(rng, DType.FLOAT32, m, k) : Tensor.randn(rng, DType.FLOAT32, k, m);
        Tensor c = Tensor.zeros(DType.FLOAT32, n, m);
        return best(() -> MatMul.matmulInto(a, ta, b, tb, c, false, null), 2.0 * n * k * m, seconds, rounds);
    }

    private static double linear(Activation act, double seconds, int rounds) {
        int n = LinearBenchmark.N;
        int f = LinearBenchmark.FEATURES;
        Rng rng = new Rng(7);
        Variable x = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, n, f));
        Variable w = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, f, f));
        Variable b = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, f));
        Tensor seed = Tensor.randn(rng, DType.FLOAT32, n, f);
        return best(() -> {
            x.zeroGrad();
            w.zeroGrad();
            b.zeroGrad();
            LinalgOps.linear(x, w, b, act).backward(seed);
            sink = w.grad();
        }, 6.0 * n * f * f, seconds, rounds);
    }

    /** Best GFLOP/s over {@code rounds} rounds of {@code seconds / rounds}, after one warm-up round. */
    static double best(Runnable op, double flopsPerOp, double seconds, int rounds) {
        long roundNanos = (long) (seconds / rounds * 1e9);
        double best = 0;
        for (int r = -1; r < rounds; r++) {
            long start = System.nanoTime();
            long count = 0;
            long now;
            do {
                op.run();
                count++;
                now = System.nanoTime();
            } while (now - start < roundNanos);
            if (r >= 0) {
                best = Math.max(best, count * flopsPerOp / (now - start));
            }
        }
        return best;
    }
}
