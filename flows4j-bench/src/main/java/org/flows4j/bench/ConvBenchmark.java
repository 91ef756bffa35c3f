package org.flows4j.bench;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ConvOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.BufferPool;
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
 * float32 {@code ConvOps.conv2d} with bias and ReLU at the shapes of a Glow coupling conditioner on
 * Fashion-MNIST (batch 64; 3x3 conv, 1x1 conv, 3x3 conv; hidden 128 channels), with 1 and 2 kernel
 * threads. {@code forward} is the op alone; {@code forwardBackward} adds the backward pass into x, W
 * and b. A forward pass is {@link Shape#flops()} = {@code 2 N Cout Cin k^2 H W} flops (padding keeps
 * the size), forward + backward three times that, so GFLOP/s = ops/s * flops / 1e9.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBenchmark {
    /** Batch size of every case. */
    public static final int N = 64;

    /**
     * One convolution of the benchmark: {@code k x k} kernel (padding {@code k / 2}), channels in and
     * out, image side.
     *
     * @param k    kernel side
     * @param cin  input channels
     * @param cout output channels
     * @param side image height and width
     */
    public record Shape(int k, int cin, int cout, int side) {
        /** Parses {@code "3x3:2-128@14"}. */
        static Shape parse(String s) {
            String[] kAndRest = s.split(":");
            String[] io = kAndRest[1].split("@")[0].split("-");
            return new Shape(Integer.parseInt(kAndRest[0].split("x")[0]), Integer.parseInt(io[0]),
                    Integer.parseInt(io[1]), Integer.parseInt(kAndRest[1].split("@")[1]));
        }

        /** Flops of one forward pass. */
        public double flops() {
            return 2.0 * N * cout * cin * k * k * side * side;
        }

        @Override
        public String toString() {
            return k + "x" + k + ":" + cin + "-" + cout + "@" + side;
        }
    }

    /** The cases, as {@code kxk:Cin-Cout@side}. */
    public static final String[] CASES = {
        "3x3:2-128@14", "1x1:128-128@14", "3x3:128-4@14", "3x3:4-128@7", "1x1:128-128@7", "3x3:128-8@7"};

    /** The convolution, as {@code kxk:Cin-Cout@side}. */
    @Param({"3x3:2-128@14", "1x1:128-128@14", "3x3:128-4@14", "3x3:4-128@7", "1x1:128-128@7", "3x3:128-8@7"})
    public String shape;
    /** Kernel threads ({@link Parallel#setThreads}). */
    @Param({"1", "2"})
    public int threads;

    private Layer layer;

    /** Operands of one case: input, weight and bias as parameters, and an upstream gradient. */
    public static final class Layer {
        final Variable x;
        final Variable w;
        final Variable b;
        final Tensor seed;
        final int padding;
        final BufferPool pool = new BufferPool();

        /** Random operands for {@code s}. */
        public Layer(Shape s) {
            Rng rng = new Rng(42);
            x = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, N, s.cin(), s.side(), s.side()));
            double bound = 1.0 / Math.sqrt(s.cin() * s.k() * s.k());
            w = Variable.parameter(Tensor.rand(rng, DType.FLOAT32, -bound, bound, s.cout(), s.cin(), s.k(), s.k()));
            b = Variable.parameter(Tensor.rand(rng, DType.FLOAT32, -bound, bound, s.cout()));
            seed = Tensor.randn(rng, DType.FLOAT32, N, s.cout(), s.side(), s.side());
            padding = s.k() / 2;
        }

        /** The forward op alone, its output drawn from the buffer pool as in a training step. */
        public Tensor forward() {
            try (BufferPool.Binding bound = pool.bind()) {
                return ConvOps.conv2d(x, w, b, padding, Activation.RELU).value();
            } finally {
                pool.reclaim();
            }
        }

        /**
         * Forward, then backward into x, W and b, with every intermediate and gradient drawn from the
         * buffer pool as in a training step; returns the weight gradient.
         */
        public Tensor forwardBackward() {
            try (BufferPool.Binding bound = pool.bind()) {
                Map<Variable, Tensor> grads = new IdentityHashMap<>();
                ConvOps.conv2d(x, w, b, padding, Activation.RELU).backwardInto(seed, grads);
                return grads.get(w);
            } finally {
                pool.reclaim();
            }
        }
    }

    /** Builds the case and sets the thread count. */
    @Setup
    public void setUp() {
        layer = new Layer(Shape.parse(shape));
        Parallel.setThreads(threads);
    }

    /** Forward pass with bias and ReLU. */
    @Benchmark
    public Tensor forward() {
        return layer.forward();
    }

    /** Forward and backward pass. */
    @Benchmark
    public Tensor forwardBackward() {
        return layer.forwardBackward();
    }
}
