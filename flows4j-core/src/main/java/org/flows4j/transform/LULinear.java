package org.flows4j.transform;

import org.flows4j.nn.Parts;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.LinalgOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.TriangularOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;

/**
 * An invertible linear map in LU form (Kingma &amp; Dhariwal 2018; Durkan et al. 2019): the forward
 * (data to latent) direction is
 * <pre>  z = W x + b,   W = P L U</pre>
 * with {@code P} a fixed permutation ({@code (P v)_i = v_perm[i]}, a buffer), {@code L} unit lower
 * triangular (its strictly lower entries are learnable), and {@code U} upper triangular with learnable
 * strictly upper entries and diagonal {@code exp(logDiagU)}, so {@code W} is invertible for every
 * parameter value. The inverse (latent to data) is {@code x = U^-1 L^-1 P^-1 (z - b)}: a permutation,
 * a forward substitution and a back substitution ({@link TriangularOps#solve}).
 *
 * <p>Log-det: the Jacobian of {@code x -> W x + b} is {@code W} at every point, and
 * {@code det W = det P det L det U = (+-1) * 1 * prod_i exp(logDiagU_i)}, because a permutation has
 * determinant +-1 and a triangular matrix the product of its diagonal. So every row gets
 * {@code log |det dz/dx| = sum_i logDiagU_i}, and the inverse reports its negative.
 *
 * <p>To model the generative map {@code x = A z + mu} (for example a Gaussian with covariance
 * {@code A A^T}), either build the LU factors of {@code W = A^-1} with {@code b = -A^-1 mu}, or wrap the
 * factors of {@code A} (with bias {@code mu}) in {@link Inverse}.
 *
 * <p>Cost: forward {@code O(D^3)} to form {@code L U} plus {@code O(N D^2)}; inverse {@code O(D^2)} to
 * form the factors plus {@code O(N D^2)} for the solves. Nothing is cached between calls: {@code W} is
 * rebuilt from the parameters on every call, so concurrent evaluation is safe.
 */
public final class LULinear extends Transform implements Part {
    private final Parameter lowerEntries;
    private final Parameter upperEntries;
    private final Parameter logDiagU;
    private final Parameter bias;
    private final Tensor permutation;

    private LULinear(int d, double[] lower, double[] logDiag, double[] upper, double[] b, int[] perm, DType dtype) {
        super(d, 0);
        if (dtype == null) {
            throw new IllegalArgumentException("LULinear: dtype must not be null");
        }
        boolean hasStrict = d > 1;
        this.lowerEntries = hasStrict ? registerParameter("lower", Tensor.of(lower, lower.length).to(dtype)) : null;
        this.upperEntries = hasStrict ? registerParameter("upper", Tensor.of(upper, upper.length).to(dtype)) : null;
        this.logDiagU = registerParameter("logDiagU", Tensor.of(logDiag, d).to(dtype));
        this.bias = registerParameter("bias", Tensor.of(b, d).to(dtype));
        double[] p = new double[d];
        for (int i = 0; i < d; i++) {
            p[i] = perm[i];
        }
        this.permutation = registerBuffer("permutation", Tensor.of(p, d).to(dtype));
    }

    /**
     * {@code W = P L U} from dense factors, in float64.
     *
     * @param lowerUnit   {@code L} as {@code [D][D]} rows: ones on the diagonal, zeros above it
     * @param logDiagU    the log of {@code U}'s diagonal, length {@code D}
     * @param upperStrict {@code U}'s strictly upper part as {@code [D][D]} rows: zeros on and below the diagonal
     * @param bias        {@code b}, length {@code D}
     * @param perm        the permutation: row {@code i} of {@code W} is row {@code perm[i]} of {@code L U}
     */
    public static LULinear of(double[][] lowerUnit, double[] logDiagU, double[][] upperStrict, double[] bias,
            int[] perm) {
        return of(lowerUnit, logDiagU, upperStrict, bias, perm, DType.FLOAT64);
    }

    /** As {@link #of(double[][], double[], double[][], double[], int[])} with parameters of the given dtype. */
    public static LULinear of(double[][] lowerUnit, double[] logDiagU, double[][] upperStrict, double[] bias,
            int[] perm, DType dtype) {
        if (logDiagU == null || logDiagU.length < 1) {
            throw new IllegalArgumentException("LULinear.of: logDiagU must hold at least one value, got "
                    + (logDiagU == null ? "null" : "length 0"));
        }
        int d = logDiagU.length;
        checkVector("logDiagU", logDiagU, d);
        checkVector("bias", bias, d);
        checkPermutation("LULinear.of", perm, d);
        double[] lower = pack("lowerUnit", lowerUnit, d, true);
        double[] upper = pack("upperStrict", upperStrict, d, false);
        return new LULinear(d, lower, logDiagU, upper, bias, perm, dtype);
    }

    /** The identity map: {@code P = L = U = I}, {@code b = 0}. */
    public static LULinear identity(int d, DType dtype) {
        checkFeatures(d);
        int strict = d * (d - 1) / 2;
        return new LULinear(d, new double[strict], new double[d], new double[strict], new double[d], identityPerm(d),
                dtype);
    }

    /**
     * A random rotation-like start (as Glow does): {@code W} is a random orthogonal matrix, drawn by
     * Gram-Schmidt on a Gaussian matrix, factored as {@code W = P L U} with partial pivoting, and its
     * columns' signs flipped so that {@code U} has a positive diagonal; {@code b = 0}. Then
     * {@code |det W| = 1} and {@code W} is perfectly conditioned.
     */
    public static LULinear random(int d, DType dtype, Rng rng) {
        checkFeatures(d);
        if (rng == null) {
            throw new IllegalArgumentException("LULinear.random: rng must not be null");
        }
        RandomRotation.Factors f = RandomRotation.draw(d, rng);
        return new LULinear(d, f.lowerStrict(), f.logDiagU(), f.upperStrict(), new double[d], f.perm(), dtype);
    }

    /** The permutation {@code perm}: row {@code i} of {@code W} is row {@code perm[i]} of {@code L U}. */
    public int[] permutation() {
        int d = features();
        int[] p = new int[d];
        for (int i = 0; i < d; i++) {
            p[i] = (int) Math.round(permutation.get(i));
        }
        checkPermutation("LULinear", p, d);
        return p;
    }

    /** The current {@code L} as dense rows. */
    public double[][] lower() {
        return lowerMatrix().value().toDoubleMatrix();
    }

    /** The current {@code U} as dense rows. */
    public double[][] upper() {
        return upperMatrix().value().toDoubleMatrix();
    }

    /** The current {@code W = P L U} as dense rows. */
    public double[][] weight() {
        double[][] l = lower();
        double[][] u = upper();
        int[] p = permutation();
        int d = features();
        double[][] w = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += l[p[i]][k] * u[k][j];
                }
                w[i][j] = s;
            }
        }
        return w;
    }

    /** The current bias {@code b}. */
    public double[] bias() {
        return bias.value().toDoubleArray();
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        Variable lu = LinalgOps.matmul(lowerMatrix(), upperMatrix());
        Variable luX = LinalgOps.linear(x, lu, null, Activation.IDENTITY);
        Variable z = ArithmeticOps.add(IndexOps.gather(luX, permutation()), bias.variable());
        return new Transformed(z, logDet(x.size(0), x.dtype(), 1.0));
    }

    @Override
    protected Transformed applyInverse(Variable z, Variable context) {
        int[] perm = permutation();
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[perm[i]] = i;
        }
        Variable unpermuted = IndexOps.gather(ArithmeticOps.sub(z, bias.variable()), inv);
        Variable w = TriangularOps.solve(lowerMatrix(), unpermuted, true, true);
        Variable x = TriangularOps.solve(upperMatrix(), w, false, false);
        return new Transformed(x, logDet(z.size(0), z.dtype(), -1.0));
    }

    private Variable logDet(int n, DType dtype, double sign) {
        Variable perRow = ArithmeticOps.mulScalar(ReduceOps.sum(logDiagU.variable()), sign);
        return ArithmeticOps.add(Variable.constant(Tensor.zeros(dtype, n)), perRow);
    }

    private Variable lowerMatrix() {
        return TriangleOps.unitLower(lowerEntries, logDiagU);
    }

    private Variable upperMatrix() {
        return TriangleOps.expDiagonalUpper(upperEntries, logDiagU);
    }

    private static int[] identityPerm(int d) {
        int[] p = new int[d];
        for (int i = 0; i < d; i++) {
            p[i] = i;
        }
        return p;
    }

    private static void checkFeatures(int d) {
        if (d < 1) {
            throw new IllegalArgumentException("LULinear: features must be at least 1, got " + d);
        }
    }

    private static void checkVector(String name, double[] v, int d) {
        if (v == null || v.length != d) {
            throw new IllegalArgumentException("LULinear.of: " + name + " must have length " + d + ", got "
                    + (v == null ? "null" : "length " + v.length));
        }
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException("LULinear.of: " + name + "[" + i + "] must be finite, got " + v[i]);
            }
        }
    }

    private static void checkPermutation(String who, int[] perm, int d) {
        if (perm == null || perm.length != d) {
            throw new IllegalArgumentException(who + ": the permutation must have length " + d + ", got "
                    + (perm == null ? "null" : "length " + perm.length));
        }
        boolean[] seen = new boolean[d];
        for (int i = 0; i < d; i++) {
            if (perm[i] < 0 || perm[i] >= d || seen[perm[i]]) {
                throw new IllegalArgumentException(who + ": expected a permutation of 0.." + (d - 1) + ", but entry "
                        + i + " is " + perm[i] + (perm[i] >= 0 && perm[i] < d ? " (repeated)" : ""));
            }
            seen[perm[i]] = true;
        }
    }

    /**
     * The strict triangle of a dense {@code [d][d]} factor in row-major order, after checking that the
     * rest is what the factor requires: a unit diagonal and zeros above it for {@code L}, zeros on and
     * below the diagonal for the strict part of {@code U}.
     */
    private static double[] pack(String name, double[][] m, int d, boolean lower) {
        if (m == null || m.length != d) {
            throw new IllegalArgumentException("LULinear.of: " + name + " must have " + d + " rows, got "
                    + (m == null ? "null" : m.length));
        }
        double[] out = new double[d * (d - 1) / 2];
        int k = 0;
        for (int i = 0; i < d; i++) {
            if (m[i] == null || m[i].length != d) {
                throw new IllegalArgumentException("LULinear.of: " + name + " row " + i + " must have " + d
                        + " columns, got " + (m[i] == null ? "null" : m[i].length));
            }
            for (int j = 0; j < d; j++) {
                double v = m[i][j];
                boolean strict = lower ? j < i : j > i;
                double required = lower && i == j ? 1.0 : 0.0;
                if (strict) {
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("LULinear.of: " + name + "[" + i + "][" + j
                                + "] must be finite, got " + v);
                    }
                    out[k++] = v;
                } else if (v != required) {
                    throw new IllegalArgumentException("LULinear.of: " + name + "[" + i + "][" + j + "] must be "
                            + required + ", got " + v);
                }
            }
        }
        return out;
    }

    /** Type {@code lu-linear}: {@code features}, {@code dtype}; the factors and the permutation are its state. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("lu-linear").with("features", features()).with("dtype", Parts.dtypeOf(this));
    }
}
