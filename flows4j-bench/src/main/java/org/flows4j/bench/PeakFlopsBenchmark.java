package org.flows4j.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread peak float32 FMA throughput: {@link #ACCUMULATORS} independent vector accumulators
 * held in registers, each updated {@code acc = acc * m + c} per step, so the loop is bound only by
 * the FMA units (enough independent chains to cover the FMA latency). One call does
 * {@link #flopsPerCall()} flops; GFLOP/s = ops/s * flopsPerCall() / 1e9.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PeakFlopsBenchmark {
    /** Independent accumulator chains. */
    public static final int ACCUMULATORS = 12;
    /** Loop steps per call. */
    public static final int STEPS = 100_000;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final float[] seed = filled(0.9999f);
    private final float[] addend = filled(1e-4f);

    private static float[] filled(float v) {
        float[] a = new float[S.length()];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** Flops in one call of {@link #fmaLoop}: steps x accumulators x lanes x 2. */
    public static double flopsPerCall() {
        return 2.0 * STEPS * ACCUMULATORS * S.length();
    }

    /** Lanes of the preferred float species. */
    public static int lanes() {
        return S.length();
    }

    /** Runs {@code steps} steps of 12 independent fused multiply-adds and returns a checksum. */
    public static float fmaLoop(float[] mul, float[] add, int steps) {
        FloatVector m = FloatVector.fromArray(S, mul, 0);
        FloatVector c = FloatVector.fromArray(S, add, 0);
        FloatVector a0 = c;
        FloatVector a1 = a0.add(c);
        FloatVector a2 = a1.add(c);
        FloatVector a3 = a2.add(c);
        FloatVector a4 = a3.add(c);
        FloatVector a5 = a4.add(c);
        FloatVector a6 = a5.add(c);
        FloatVector a7 = a6.add(c);
        FloatVector a8 = a7.add(c);
        FloatVector a9 = a8.add(c);
        FloatVector a10 = a9.add(c);
        FloatVector a11 = a10.add(c);
        for (int i = 0; i < steps; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** One call of {@link #fmaLoop}; JMH consumes the checksum. */
    @Benchmark
    public float fma() {
        return fmaLoop(seed, addend, STEPS);
    }

    /** Convenience for the report: the loop on fresh seed arrays. */
    static float run() {
        return fmaLoop(filled(0.9999f), filled(1e-4f), STEPS);
    }
}
