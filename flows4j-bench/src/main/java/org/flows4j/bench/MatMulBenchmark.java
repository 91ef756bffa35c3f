package org.flows4j.bench;

import java.util.concurrent.TimeUnit;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.kernel.MatMul;
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
 * float32 {@code C = op(A) . op(B)} for {@code n x k x m} = 512x128x128 and 512x256x256 with 1 and 2
 * kernel threads. {@code layout}: NN = A.B (forward), NT = A.B^T (linear layer, dA = G B^T),
 * TN = A^T.B (dB = A^T G). GFLOP/s = ops/s * 2nkm / 1e9.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MatMulBenchmark {
    /** {@code n x k x m}. */
    @Param({"512x128x128", "512x256x256"})
    public String shape;
    /** Kernel threads ({@link Parallel#setThreads}). */
    @Param({"1", "2"})
    public int threads;
    /** Which operands are transposed. */
    @Param({"NN", "NT", "TN"})
    public String layout;

    private Tensor a;
    private Tensor b;
    private Tensor c;
    private boolean transA;
    private boolean transB;

    /** Allocates random operands of the requested shape and sets the thread count. */
    @Setup
    public void setUp() {
        String[] p = shape.split("x");
        int n = Integer.parseInt(p[0]);
        int k = Integer.parseInt(p[1]);
        int m = Integer.parseInt(p[2]);
        transA = layout.charAt(0) == 'T';
        transB = layout.charAt(1) == 'T';
        Rng rng = new Rng(42);
        a = transA ? Tensor.randn(rng, DType.FLOAT32, k, n) : Tensor.randn(rng, DType.FLOAT32, n, k);
        b = transB ? Tensor.randn(rng, DType.FLOAT32, m, k) : Tensor.randn(rng, DType.FLOAT32, k, m);
        c = Tensor.zeros(DType.FLOAT32, n, m);
        Parallel.setThreads(threads);
    }

    /** One product into a preallocated output. */
    @Benchmark
    public Tensor matmul() {
        MatMul.matmulInto(a, transA, b, transB, c, false, null);
        return c;
    }
}
