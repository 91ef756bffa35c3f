package org.flows4j.transform.coupling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.check.CheckReport;
import org.flows4j.check.TransformChecker;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.AffineTransformer;
import org.flows4j.transform.ConditionerInput;
import org.flows4j.transform.ElementwiseTransformer;
import org.flows4j.transform.RationalQuadraticTransformer;
import org.flows4j.transform.Transformed;
import org.junit.jupiter.api.Test;

/**
 * A coupling layer that also transforms its pass-through half: starts as the identity, passes the checker
 * (Jacobian, log-det, inverse, parameter gradients) with affine and spline transformers once its weights
 * move, and its pass-through features depend only on themselves, through the free parameters. The
 * transformers' shared-parameter evaluation of the pass-through half gives what the broadcast path
 * ({@link ElementwiseTransformer}'s default) gives: the same output and log-det bits, and gradients equal to
 * rounding.
 */
class BothHalvesCouplingTest {
    private static CouplingTransform layer(ElementwiseTransformer tau, int contextFeatures, long seed) {
        return layer(tau, contextFeatures, seed, DType.FLOAT64);
    }

    private static CouplingTransform layer(ElementwiseTransformer tau, int contextFeatures, long seed, DType dtype) {
        return new CouplingTransform(CouplingMask.halfSplit(5, true), contextFeatures, tau,
                ConditionerFactory.mlp(new int[] {12, 12}, Activation.RELU, dtype, new Rng(seed)),
                new ConditionerInput(3), true);
    }

    /** {@code tau} without its shared-parameter overrides: the pass-through half through the broadcast default. */
    private static ElementwiseTransformer broadcastOnly(ElementwiseTransformer tau) {
        return new ElementwiseTransformer() {
            @Override
            public int paramsPerFeature() {
                return tau.paramsPerFeature();
            }

            @Override
            public Transformed forward(Variable x, Variable params) {
                return tau.forward(x, params);
            }

            @Override
            public Transformed inverse(Variable y, Variable params) {
                return tau.inverse(y, params);
            }
        };
    }

    /** Output, log-det and every parameter's gradient of a weighted sum of both, in one direction. */
    private static Tensor[] evaluate(CouplingTransform t, Tensor x, boolean forward) {
        t.zeroGrad();
        Variable in = Variable.parameter(x.copy());
        Transformed r = forward ? t.forward(in, null) : t.inverse(in, null);
        Tensor seed = Tensor.randn(new Rng(9), DType.FLOAT64, r.output().shape()).to(x.dtype());
        ReduceOps.sum(ArithmeticOps.add(ReduceOps.sum(ArithmeticOps.mul(r.output(), Variable.constant(seed))),
                ArithmeticOps.mulScalar(ReduceOps.sum(r.logDet()), 0.7))).backward();
        Map<String, Parameter> ps = t.parameters();
        Tensor[] out = new Tensor[3 + ps.size()];
        out[0] = r.output().value();
        out[1] = r.logDet().value();
        out[2] = in.grad();
        int i = 3;
        for (Parameter p : ps.values()) {
            out[i++] = p.grad().copy();
        }
        return out;
    }

    @Test
    void sharedParameterPathsEqualTheBroadcastPath() {
        ElementwiseTransformer[] taus = {new RationalQuadraticTransformer(6, 3.0, 1e-3, 1e-3, 1e-3),
            AffineTransformer.softClamp(), new AffineTransformer()};
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            double gradTol = dtype == DType.FLOAT64 ? 1e-12 : 1e-5;
            for (ElementwiseTransformer tau : taus) {
                CouplingTransform fast = layer(tau, 0, 11, dtype);
                CouplingTransform plain = layer(broadcastOnly(tau), 0, 11, dtype);
                Rng rng = new Rng(12);
                for (Parameter p : fast.parameters().values()) {
                    p.value().addInPlace(Tensor.randn(rng, DType.FLOAT64, p.value().shape()).to(dtype), 0.5);
                }
                plain.loadStateDict(fast.stateDict());
                Tensor x64 = Tensor.randn(new Rng(13), DType.FLOAT64, 150, 5);
                x64.scaleInPlace(1.5);
                Tensor x = x64.to(dtype);
                for (boolean forward : new boolean[] {true, false}) {
                    Tensor[] a = evaluate(fast, x, forward);
                    Tensor[] b = evaluate(plain, x, forward);
                    for (int t = 0; t < a.length; t++) {
                        double tol = t < 2 ? 0.0 : gradTol;
                        for (int i = 0; i < a[t].numel(); i++) {
                            assertEquals(b[t].get(i), a[t].get(i), tol * Math.max(1.0, Math.abs(b[t].get(i))),
                                    tau.getClass().getSimpleName() + " " + dtype + ", forward " + forward
                                            + ", result " + t + " element " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void startsAsTheIdentity() {
        CouplingTransform t = layer(new AffineTransformer(), 0, 1);
        assertTrue(t.bothHalves());
        assertTrue(t.parameters().containsKey("pass_through"));
        Tensor x = Tensor.randn(new Rng(2), DType.FLOAT64, 7, 5);
        Transformed r = t.forward(Variable.constant(x), null);
        for (int i = 0; i < x.numel(); i++) {
            assertEquals(x.get(i), r.output().value().get(i), 0.0);
        }
        for (int i = 0; i < 7; i++) {
            assertEquals(0.0, r.logDet().value().get(i), 0.0);
        }
    }

    @Test
    void passesTheCheckerWithAffineAndSplineTransformers() {
        ElementwiseTransformer[] taus = {new AffineTransformer(), new RationalQuadraticTransformer(6, 3.0, 1e-3, 1e-3, 1e-3)};
        for (ElementwiseTransformer tau : taus) {
            for (int ctx : new int[] {0, 2}) {
                CheckReport r = new TransformChecker().parameterNoise(0.3).check(layer(tau, ctx, 3));
                assertTrue(r.passed(), tau.getClass().getSimpleName() + ", context " + ctx + ": " + r);
            }
        }
    }

    @Test
    void thePassThroughHalfDependsOnlyOnItself() {
        CouplingTransform t = layer(new AffineTransformer(), 0, 4);
        Rng rng = new Rng(5);
        t.parameters().values().forEach(p -> p.value().addInPlace(Tensor.randn(rng, DType.FLOAT64, p.value().shape()), 0.4));
        Tensor a = Tensor.randn(new Rng(6), DType.FLOAT64, 1, 5);
        Tensor b = a.copy();
        for (int j : t.mask().transformedFeatures()) {
            b.set(j, b.get(j) + 1.5);
        }
        Tensor ya = t.forward(Variable.constant(a), null).output().value();
        Tensor yb = t.forward(Variable.constant(b), null).output().value();
        boolean moved = false;
        for (int j : t.mask().identityFeatures()) {
            assertEquals(ya.get(j), yb.get(j), 0.0, "pass-through feature " + j);
            moved |= ya.get(j) != a.get(j);
        }
        assertTrue(moved, "the free parameters transform the pass-through half");
    }
}
