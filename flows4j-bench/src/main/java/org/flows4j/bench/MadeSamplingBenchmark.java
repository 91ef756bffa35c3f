package org.flows4j.bench;

import java.util.concurrent.TimeUnit;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Transform;
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
 * One MADE sampling step: the inverse of a single autoregressive step of a {@code maf} or
 * {@code nsf-ar} flow (D = 8 features, MADE [128, 128] ReLU, 8 spline bins on [-3, 3]) on
 * {@code N = 10,000} latent rows without gradients, which is {@code D} passes of the MADE plus the
 * transformer's inverse. The {@code flows4j bench} sample figure is five of these steps plus the
 * permutations. Score: steps per second; rows per second = score * N.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MadeSamplingBenchmark {
    /** Latent rows. */
    public static final int N = 10_000;
    /** Features. */
    public static final int D = 8;

    /** Flow kind: affine ({@code maf}) or spline ({@code nsf-ar}) MADE. */
    @Param({"maf", "nsf-ar"})
    public String kind;
    /** Kernel threads ({@link Parallel#setThreads}). */
    @Param({"1", "2"})
    public int threads;

    private Transform step;
    private Variable z;

    /** Builds a one-step flow and draws the latent rows; sets the thread count. */
    @Setup
    public void setUp() {
        Flow flow = Flows.build(FlowSpec.defaults(kind, D).withLayers(1).withHidden(128, 128).withSpline(8, 3.0));
        flow.eval();
        step = flow.transform();
        z = Variable.constant(Tensor.randn(new Rng(3), DType.FLOAT32, N, D));
        Parallel.setThreads(threads);
    }

    /** The inverse of one autoregressive step: D MADE passes. */
    @Benchmark
    public Tensor inverseStep() {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return step.inverse(z, null).output().value();
        }
    }
}
