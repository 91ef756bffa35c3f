package org.flows4j.bench;

import java.util.concurrent.TimeUnit;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.LinalgOps;
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
 * Fused linear layer {@code y = act(x W^T + b)}, forward and backward, float32, x [512,128],
 * W [128,128]: three products of 2*512*128*128 flops each (forward, dx, dW), so
 * GFLOP/s = ops/s * 6 * 512 * 128 * 128 / 1e9 (activation and bias work not counted).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LinearBenchmark {
    /** Rows of x. */
    public static final int N = 512;
    /** Input and output features. */
    public static final int FEATURES = 128;

    /** Kernel threads ({@link Parallel#setThreads}). */
    @Param({"1", "2"})
    public int threads;
    /** Activation fused into the layer. */
    @Param({"RELU", "TANH"})
    public Activation activation;

    private Variable x;
    private Variable w;
    private Variable b;
    private Tensor seed;

    /** Random parameters and upstream gradient; sets the thread count. */
    @Setup
    public void setUp() {
        Rng rng = new Rng(7);
        x = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, N, FEATURES));
        w = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, FEATURES, FEATURES));
        b = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, FEATURES));
        seed = Tensor.randn(rng, DType.FLOAT32, N, FEATURES);
        Parallel.setThreads(threads);
    }

    /** Forward, then backward into x, W and b (gradients cleared first). */
    @Benchmark
    public Tensor forwardBackward() {
        x.zeroGrad();
        w.zeroGrad();
        b.zeroGrad();
        LinalgOps.linear(x, w, b, activation).backward(seed);
        return w.grad();
    }
}
