package org.flows4j.autodiff;

import org.flows4j.tensor.kernel.BulkMath;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * Run by {@link SplineOpsEdgeTest} in a child JVM without the vector module: prints whether the
 * vector path is in use and the largest deviation of the spline (forward, inverse, log-dets) from
 * {@link SplineReference}.
 */
public final class SplineScalarFallbackMain {
    private SplineScalarFallbackMain() {
    }

    /** Prints {@code vectorized=<flag>} and {@code max error <e>}. */
    public static void main(String[] args) {
        System.out.println("vectorized=" + BulkMath.vectorized());
        SplineOpsTest.Case c = SplineOpsTest.randomCase(new Rng(3), 16, 4, 8, 7, 2.0);
        Tensor[] fwd = SplineOpsTest.eval(c.x(), c, false);
        Tensor[] inv = SplineOpsTest.eval(c.x(), c, true);
        double err = 0;
        for (int n = 0; n < 16; n++) {
            for (int j = 0; j < 4; j++) {
                SplineReference ref = c.reference(n, j);
                double[] y = ref.forward(c.x().at(n, j));
                double x = ref.inverse(c.x().at(n, j));
                err = Math.max(err, Math.abs(y[0] - fwd[0].at(n, j)));
                err = Math.max(err, Math.abs(Math.log(y[1]) - fwd[1].at(n, j)));
                err = Math.max(err, Math.abs(x - inv[0].at(n, j)));
                err = Math.max(err, Math.abs(-Math.log(ref.forward(x)[1]) - inv[1].at(n, j)));
            }
        }
        System.out.println("max error " + err);
    }
}
