package org.flows4j.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.Locale;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.flows.Flow;
import org.flows4j.flows.FlowSpec;
import org.flows4j.flows.Flows;
import org.flows4j.optim.Adam;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.ShardedLoss;

/**
 * One model's benchmark for {@code flows4j bench}. The flow is {@link Flows#build} of a
 * {@link FlowSpec} with {@code layers} steps, a reverse permutation between steps, conditioners with
 * two hidden layers of {@code hidden} ReLU units, and for the spline kinds 8 bins on [-3, 3]:
 * {@code realnvp} (affine coupling), {@code maf} (affine MADE), {@code nsf} (spline coupling) and
 * {@code nsf-ar} (spline MADE). The image models {@code glow} and {@code realnvp-image} run on 1x28x28 rows
 * (Fashion-MNIST's shape) with {@code levels} levels, {@code layers} steps per level and {@code hidden}
 * channels in each convolutional conditioner; their rows are uniform in [0, 1), like dequantized pixels.
 * With {@code classic} the tabular presets are built as the first release built them ({@link #classic}).
 *
 * <ul>
 *   <li>{@code train_steps_per_s = 1 / median(t_step)} over the timed steps, one step being
 *       {@code zeroGrad; loss = -mean(log p(x)); backward; Adam(lr 1e-3) step} on one fixed batch, the loss
 *       and its gradient computed in {@code shards} concurrent parts as the trainer does ({@link ShardedLoss}),
 *       {@code x ~ N(0, I)} of {@code batch} rows, after untimed warm-up steps: at least
 *       {@value #WARMUP_STEPS} and at least {@code warmupSeconds} (3 s by default) of them, and then
 *       until the JIT has been quiet for a second ({@link Warmup}), so that C2 has compiled this model's
 *       code paths (with fewer, the timed steps still ran while C2 compiled them and the median
 *       halved).</li>
 *   <li>{@code logprob_rows_per_s = evalBatch / median(t)} of {@value #EVAL_REPEATS} no-grad
 *       {@code logProb} calls on {@code evalBatch} fixed rows (after untimed calls: at least
 *       {@value #EVAL_WARMUP} and at least a third of {@code warmupSeconds});
 *       {@code sample_rows_per_s} likewise for drawing {@code evalBatch} samples.</li>
 *   <li>{@code peak_heap_mb}: the sum over the JVM's heap memory pools of each pool's peak used bytes,
 *       with the peaks reset after a {@code System.gc()} just before the model is built. It counts
 *       garbage not yet collected, so it is an upper bound of what the model needs and depends on the
 *       collector's young-generation size.</li>
 *   <li>{@code live_heap_start_mb} and {@code live_heap_end_mb}: heap in use right after a full collection
 *       ({@code System.gc()}, untimed) before the first and after the last timed training step; their difference
 *       is what the timed steps retained (flat training memory: near 0 however many steps, e.g.
 *       {@code --train-steps 1000}).</li>
 * </ul>
 */
final class FlowBench {
    static final int WARMUP_STEPS = 20;
    static final int EVAL_WARMUP = 2;
    static final int EVAL_REPEATS = 5;

    /** The image shape of the image models: Fashion-MNIST's. */
    static final ImageShape IMAGE = new ImageShape(1, 28, 28);

    private final String model;
    private final FlowSpec spec;
    private final int batch;
    private final int evalBatch;
    private final int trainSteps;
    private final long warmupNanos;
    private final int shards;
    private final double[] liveHeapMb = new double[2];

    /** The figures of one model. */
    record Result(String model, long params, double trainStepsPerS, double logProbRowsPerS, double sampleRowsPerS,
                  double peakHeapMb, double liveHeapStartMb, double liveHeapEndMb) {
        /** The JSON line of these figures, measured with {@code threads} kernel threads. */
        String toJson(int threads) {
            return String.format(Locale.ROOT, "{\"lib\":\"flows4j\",\"model\":\"%s\",\"threads\":%d,\"params\":%d,"
                    + "\"train_steps_per_s\":%.2f,\"logprob_rows_per_s\":%.0f,\"sample_rows_per_s\":%.0f,"
                    + "\"peak_heap_mb\":%.1f,\"live_heap_start_mb\":%.1f,\"live_heap_end_mb\":%.1f}", model, threads,
                    params, trainStepsPerS, logProbRowsPerS, sampleRowsPerS, peakHeapMb, liveHeapStartMb, liveHeapEndMb);
        }
    }

    FlowBench(String model, int dim, int levels, int layers, int hidden, int batch, int evalBatch, DType dtype, int trainSteps,
              double warmupSeconds, int shards, boolean classic) {
        this.model = model;
        FlowSpec s = specFor(model, dim, levels).withLayers(layers).withHidden(hidden, hidden).withSpline(8, 3.0)
                .withDtype(dtype);
        this.spec = classic && s.image() == null ? classic(s) : s;
        this.batch = batch;
        this.evalBatch = evalBatch;
        this.trainSteps = trainSteps;
        this.warmupNanos = (long) (warmupSeconds * 1e9);
        this.shards = shards;
    }

    /**
     * The spec of a bench model: the preset of that name with its defaults, on {@code dim} features or, for an image
     * model, on 1x28x28 images with {@code levels} levels.
     */
    static FlowSpec specFor(String model, int dim, int levels) {
        if (BenchCommand.IMAGE_MODELS.contains(model)) {
            return FlowSpec.defaults(model, IMAGE, levels);
        }
        if (!BenchCommand.MODELS.contains(model)) {
            throw new IllegalArgumentException("FlowBench: unknown model '" + model + "'; expected one of "
                    + BenchCommand.MODELS + " or " + BenchCommand.IMAGE_MODELS);
        }
        return FlowSpec.defaults(model, dim);
    }

    /**
     * {@code spec} as the first release built it: classic coupling (the pass-through half unchanged), conditioner
     * inputs read as they are, the {@code tanh} log-scale. The affine kinds keep their final {@code LogTails}.
     */
    static FlowSpec classic(FlowSpec spec) {
        return spec.withBothHalves(false).withInputBound(0).withAffineScale("tanh");
    }

    Result run() {
        System.gc();
        resetPeaks();
        Flow flow = Flows.build(spec);
        Rng rng = new Rng(1);
        double train = trainStepsPerSecond(flow, rows(rng, batch));
        flow.eval();
        Variable evalRows = Variable.constant(rows(rng, evalBatch));
        double logProb = evalRowsPerSecond(() -> flow.logProb(evalRows));
        Rng sampleRng = new Rng(2);
        double sample = evalRowsPerSecond(() -> flow.sample(evalBatch, sampleRng));
        return new Result(model, flow.numParameters(), train, logProb, sample, peakHeapBytes() / MB, liveHeapMb[0],
                liveHeapMb[1]);
    }

    /** {@code n} rows: standard normal, or for an image model uniform in [0, 1) like dequantized pixels. */
    private Tensor rows(Rng rng, int n) {
        return spec.image() != null ? Tensor.rand(rng, spec.dtype(), 0, 1, n, spec.features())
                : Tensor.randn(rng, spec.dtype(), n, spec.features());
    }

    private double trainStepsPerSecond(Flow flow, Tensor x) {
        flow.train(true);
        Adam adam = new Adam(flow.parameters(), 1e-3);
        ShardedLoss loss = new ShardedLoss(shards);
        Warmup w = new Warmup(warmupNanos);
        for (int i = 0; i < WARMUP_STEPS || w.more(); i++) {
            step(loss, flow, adam, x);
        }
        long[] times = new long[trainSteps];
        liveHeapMb[0] = liveHeapBytes() / MB;
        for (int i = 0; i < trainSteps; i++) {
            long t0 = System.nanoTime();
            step(loss, flow, adam, x);
            times[i] = System.nanoTime() - t0;
        }
        liveHeapMb[1] = liveHeapBytes() / MB;
        return 1e9 / median(times);
    }

    private static void step(ShardedLoss loss, Flow flow, Adam adam, Tensor x) {
        adam.zeroGrad();
        loss.meanNllBackward(flow, x, null);
        adam.step();
    }

    private double evalRowsPerSecond(Runnable call) {
        long[] times = new long[EVAL_REPEATS];
        try (GradMode.Scope s = GradMode.noGrad()) {
            Warmup w = new Warmup(warmupNanos / 3);
            for (int i = 0; i < EVAL_WARMUP || w.more(); i++) {
                call.run();
            }
            for (int i = 0; i < EVAL_REPEATS; i++) {
                long t0 = System.nanoTime();
                call.run();
                times[i] = System.nanoTime() - t0;
            }
        }
        return evalBatch * 1e9 / median(times);
    }

    /**
     * Untimed repetitions last at least {@code minNanos} and then until the JIT has compiled nothing
     * for {@value #JIT_QUIET_MILLIS} ms (total compilation time unchanged), at most
     * {@value #MAX_WARMUP_FACTOR} times {@code minNanos}. On two cores the compiler threads compete with two computing
     * threads, so a fixed 3 s sometimes timed code that C2 had not finished: the same 2-thread realnvp
     * run gave 135 or 235 steps/s.
     */
    static final class Warmup {
        private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        private final long start = System.nanoTime();
        private final long minNanos;
        private long lastCompileMillis = -1;
        private long lastChange = start;

        Warmup(long minNanos) {
            this.minNanos = minNanos;
        }

        boolean more() {
            long now = System.nanoTime();
            if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
                long c = jit.getTotalCompilationTime();
                if (c != lastCompileMillis) {
                    lastCompileMillis = c;
                    lastChange = now;
                }
            } else {
                lastChange = start;
            }
            if (now - start < minNanos) {
                return true;
            }
            return now - lastChange < JIT_QUIET_MILLIS * 1_000_000L && now - start < MAX_WARMUP_FACTOR * minNanos;
        }
    }

    static final long JIT_QUIET_MILLIS = 1000;
    static final long MAX_WARMUP_FACTOR = 10;

    static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static final double MB = 1024.0 * 1024.0;

    /** Heap in use after a full collection: the live data. */
    private static long liveHeapBytes() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
