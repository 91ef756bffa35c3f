package org.flows4j.bench;

import java.util.concurrent.TimeUnit;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.SplineOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused rational-quadratic spline ({@link SplineOps#rationalQuadratic}), forward and backward,
 * float32, x [512, 8], K = 8 bins, K - 1 interior derivatives, tail bound 3, inputs standard normal
 * (about 0.3% in the tails). The backward pass gets a gradient for both the output and the log-det
 * (their sum is seeded) and computes gradients for x and all three parameter tensors. Score:
 * forward+backward calls per second; elements per second = score * 512 * 8.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SplineBenchmark {
    /** Rows of x. */
    public static final int N = 512;
    /** Features. */
    public static final int D = 8;
    /** Bins. */
    public static final int K = 8;
    /** Tail bound B. */
    public static final double BOUND = 3.0;

    /** Kernel threads ({@link Parallel#setThreads}). */
    @Param({"1", "2"})
    public int threads;
    /** Evaluate the inverse spline instead of the forward one. */
    @Param({"false", "true"})
    public boolean inverse;

    private Variable x;
    private Variable widths;
    private Variable heights;
    private Variable derivs;
    private Tensor seed;

    /** Random inputs, parameters and upstream gradient; sets the thread count. */
    @Setup
    public void setUp() {
        Rng rng = new Rng(11);
        x = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, N, D));
        widths = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, N, D, K));
        heights = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, N, D, K));
        derivs = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, N, D, K - 1));
        seed = Tensor.randn(rng, DType.FLOAT32, N, D);
        Parallel.setThreads(threads);
    }

    /** Forward, then backward into x and the three parameter tensors (gradients cleared first). */
    @Benchmark
    public Tensor forwardBackward() {
        x.zeroGrad();
        widths.zeroGrad();
        heights.zeroGrad();
        derivs.zeroGrad();
        Variable[] out = SplineOps.rationalQuadratic(x, widths, heights, derivs, inverse, BOUND, 1e-3, 1e-3, 1e-3);
        ArithmeticOps.add(out[0], out[1]).backward(seed);
        return widths.grad();
    }
}
