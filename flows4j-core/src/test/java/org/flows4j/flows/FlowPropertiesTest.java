package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Sampled;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.ActNorm;
import org.flows4j.transform.Affine;
import org.flows4j.transform.Composite;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.LeakyReLU;
import org.flows4j.transform.Permutation;
import org.flows4j.transform.Planar;
import org.flows4j.transform.Radial;
import org.junit.jupiter.api.Test;

/** Whole-flow properties: the density integrates to one, and evaluation is thread-safe and exact. */
class FlowPropertiesTest {

    /** A small random 2-D flow mixing the transform families, with perturbed parameters. */
    private static Flow randomFlow(long seed) {
        Rng rng = new Rng(seed);
        Composite t = new Composite(
                Affine.learnable(2, DType.FLOAT64),
                LULinear.random(2, DType.FLOAT64, rng),
                new Planar(2, DType.FLOAT64, rng),
                new LeakyReLU(2, 0.5),
                Permutation.reverse(2),
                new Radial(2, DType.FLOAT64, rng),
                new Planar(2, DType.FLOAT64, rng));
        for (Parameter p : t.parameters().values()) {
            Tensor v = p.value();
            for (int i = 0; i < v.numel(); i++) {
                v.set(i, v.get(i) + 0.3 * rng.nextGaussian());
            }
        }
        Flow flow = new Flow(t, new StandardNormal(2, DType.FLOAT64));
        flow.eval();
        return flow;
    }

    @Test
    void theDensityOfARandomFlowIntegratesToOne() {
        Flow flow = randomFlow(11);
        double half = 20;
        int cells = 1400;
        double h = 2 * half / cells;
        double total = 0;
        double[][] column = new double[cells][2];
        for (int i = 0; i < cells; i++) {
            for (int j = 0; j < cells; j++) {
                column[j][0] = -half + (i + 0.5) * h;
                column[j][1] = -half + (j + 0.5) * h;
            }
            for (double lp : flow.logProb(column)) {
                total += Math.exp(lp) * h * h;
            }
        }
        assertEquals(1.0, total, 1e-3, "midpoint-rule integral of exp(log p) over [-20, 20]^2");
    }

    @Test
    void eightThreadsGiveBitForBitTheSingleThreadResults() throws Exception {
        Rng dataRng = new Rng(3);
        Flow inner = randomFlow(5);
        ActNorm act = new ActNorm(2, DType.FLOAT64);
        act.train(true);
        act.forward(Variable.constant(Tensor.randn(dataRng, DType.FLOAT64, 64, 2)));
        Flow flow = new Flow(new Composite(act, inner.transform()), inner.base());
        flow.eval();
        double[][] x = Tensor.randn(dataRng, DType.FLOAT64, 3000, 2).toDoubleMatrix();
        double[] expectedLogProb = flow.logProb(x);
        double[][] expectedSamples = flow.sampleArray(2000, new Rng(99));

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Object[]>> results = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                Callable<Object[]> job = () -> new Object[] {flow.logProb(x), flow.sampleArray(2000, new Rng(99))};
                results.add(pool.submit(job));
            }
            for (Future<Object[]> f : results) {
                Object[] r = f.get();
                assertArrayEquals(expectedLogProb, (double[]) r[0], 0.0);
                double[][] s = (double[][]) r[1];
                for (int i = 0; i < s.length; i++) {
                    assertArrayEquals(expectedSamples[i], s[i], 0.0);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (double v : expectedLogProb) {
            assertTrue(Double.isFinite(v));
        }
    }

    @Test
    void samplesOfTheFlowHaveTheDensityItReports() {
        Flow flow = randomFlow(8);
        Sampled s = flow.sampleAndLogProb(500, new Rng(4));
        double[][] xs = s.samples().value().toDoubleMatrix();
        double[] again = flow.logProb(xs);
        double[] reported = s.logProb().value().toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(reported[i], again[i], 1e-9 * Math.max(1, Math.abs(again[i])));
        }
    }
}
