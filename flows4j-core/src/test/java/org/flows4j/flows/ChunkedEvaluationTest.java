package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Sampled;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Transformed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** No-grad passes over more than {@link Flow#EVAL_CHUNK} rows run in chunks on the kernel threads. */
class ChunkedEvaluationTest {
    private static final int ROWS = 2 * Flow.EVAL_CHUNK + 77;
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static Flow flow(String kind, int context) {
        Flow f = Flows.build(FlowSpec.defaults(kind, 4).withLayers(2).withHidden(16, 16).withContext(context));
        Rng rng = new Rng(3);
        for (Parameter p : f.parameters().values()) {
            Tensor v = p.value();
            for (int i = 0; i < v.numel(); i++) {
                v.set(i, v.get(i) + 0.1 * rng.nextGaussian());
            }
        }
        f.eval();
        return f;
    }

    @Test
    void chunkedPassesEqualTheOnePassValuesBitForBit() {
        for (String kind : new String[] {"realnvp", "maf", "nsf", "nsf-ar"}) {
            for (int context : new int[] {0, 3}) {
                Flow f = flow(kind, context);
                Rng rng = new Rng(4);
                Tensor x = Tensor.randn(rng, f.dtype(), ROWS, 4);
                Variable c = context == 0 ? null : Variable.constant(Tensor.randn(rng, f.dtype(), ROWS, context));
                float[] whole = f.logProb(Variable.constant(x), c).value().floatData().clone();
                float[] chunked;
                try (GradMode.Scope s = GradMode.noGrad()) {
                    chunked = f.logProb(Variable.constant(x), c).value().floatData();
                }
                assertArrayEquals(whole, chunked, kind + " context " + context + " logProb");
                // Sampling: the same base draws pushed through one no-grad inverse pass over all rows
                // (the autoregressive no-grad inverse differs from the recorded loop in the last bits).
                try (GradMode.Scope s = GradMode.noGrad()) {
                    Variable z = f.base().sample(ROWS, null, new Rng(9));
                    Transformed whole2 = f.transform().inverse(z, c);
                    assertArrayEquals(whole2.output().value().floatData(),
                            f.sample(ROWS, c, new Rng(9)).value().floatData(), kind + " sample");
                    Sampled both = f.sampleAndLogProb(ROWS, c, new Rng(9));
                    Sampled zl = f.base().sampleAndLogProb(ROWS, null, new Rng(9));
                    Transformed inv = f.transform().inverse(zl.samples(), c);
                    assertArrayEquals(inv.output().value().floatData(), both.samples().value().floatData(), kind);
                    float[] lp = zl.logProb().value().floatData();
                    float[] ld = inv.logDet().value().floatData();
                    float[] got = both.logProb().value().floatData();
                    for (int i = 0; i < ROWS; i++) {
                        assertEquals(lp[i] - ld[i], got[i], kind + " sampleAndLogProb row " + i);
                    }
                    assertEquals(ROWS, both.logProb().value().size(0));
                }
            }
        }
    }

    @Test
    void chunkedPassesAreBitIdenticalForAnyThreadCount() {
        Flow f = flow("nsf", 0);
        Tensor x = Tensor.randn(new Rng(5), DType.FLOAT32, ROWS, 4);
        float[][] results = new float[4][];
        for (int threads = 1; threads <= 4; threads++) {
            Parallel.setThreads(threads);
            try (GradMode.Scope s = GradMode.noGrad()) {
                results[threads - 1] = f.logProb(Variable.constant(x)).value().floatData();
            }
        }
        for (int t = 1; t < 4; t++) {
            assertArrayEquals(results[0], results[t], (t + 1) + " threads");
        }
        assertTrue(Float.isFinite(results[0][ROWS - 1]));
    }
}
