package org.flows4j.autodiff;

import org.flows4j.tensor.ShapeMismatchException;
import org.flows4j.tensor.Shape;
import org.flows4j.tensor.Tensor;

/**
 * Matrix products. {@code matmul(a, b)} computes {@code C[i,j] = sum_k A[i,k] B[k,j]} with backward
 * {@code dA = G B^T}, {@code dB = A^T G}; {@code linear(x, w, b, act)} computes
 * {@code act(x W^T + b)} for {@code x [N, in]}, {@code W [out, in]}, {@code b [out]}.
 */
public final class LinalgOps {
    private LinalgOps() {
    }

    /** {@code a [n, k] . b [k, m] -> [n, m]}. */
    public static Variable matmul(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        av.requireRank(2, "matmul");
        bv.requireRank(2, "matmul");
        if (av.size(1) != bv.size(0)) {
            throw new ShapeMismatchException("matmul", av.shape(), bv.shape());
        }
        Tensor out = naiveMatmul(av, bv, false, false);
        return Variable.fromOp("matmul", out, g -> new Tensor[] {
            a.requiresGrad() ? naiveMatmul(g, bv, false, true) : null,
            b.requiresGrad() ? naiveMatmul(av, g, true, false) : null}, a, b);
    }

    /** {@code act(x W^T + b)}; {@code bias} may be null. */
    public static Variable linear(Variable x, Variable weight, Variable bias, Activation act) {
        Tensor xv = x.value();
        Tensor wv = weight.value();
        xv.requireRank(2, "linear");
        wv.requireRank(2, "linear");
        if (xv.size(1) != wv.size(1)) {
            throw new ShapeMismatchException("linear: input " + Shape.str(xv.shape()) + " has " + xv.size(1)
                    + " features but weight " + Shape.str(wv.shape()) + " expects " + wv.size(1));
        }
        Tensor y = naiveMatmul(xv, wv, false, true);
        int n = y.size(0);
        int m = y.size(1);
        if (bias != null) {
            Tensor bv = bias.value();
            if (!bv.hasShape(m)) {
                throw new ShapeMismatchException("linear: bias shape " + Shape.str(bv.shape()) + ", expected [" + m + "]");
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    y.set(i * m + j, y.get(i * m + j) + bv.get(j));
                }
            }
        }
        for (int i = 0; i < y.numel(); i++) {
            y.set(i, act.apply(y.get(i)));
        }
        Tensor out = y;
        Variable[] inputs = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
        return Variable.fromOp("linear", out, g -> {
            Tensor gz = g.zerosLike();
            for (int i = 0; i < gz.numel(); i++) {
                gz.set(i, g.get(i) * act.derivativeFromOutput(out.get(i)));
            }
            Tensor gb = null;
            if (bias != null && bias.requiresGrad()) {
                gb = Tensor.zeros(g.dtype(), m);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < m; j++) {
                        gb.set(j, gb.get(j) + gz.get(i * m + j));
                    }
                }
            }
            Tensor gx = x.requiresGrad() ? naiveMatmul(gz, wv, false, false) : null;
            Tensor gw = weight.requiresGrad() ? naiveMatmul(gz, xv, true, false) : null;
            return bias == null ? new Tensor[] {gx, gw} : new Tensor[] {gx, gw, gb};
        }, inputs);
    }

    private static Tensor naiveMatmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        a.requireSameDType(b, "matmul");
        int n = transA ? a.size(1) : a.size(0);
        int k = transA ? a.size(0) : a.size(1);
        int m = transB ? b.size(0) : b.size(1);
        Tensor c = Tensor.zeros(a.dtype(), n, m);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a.get(p * n + i) : a.get(i * k + p);
                    double y = transB ? b.get(j * k + p) : b.get(p * m + j);
                    s += x * y;
                }
                c.set(i * m + j, s);
            }
        }
        return c;
    }
}
