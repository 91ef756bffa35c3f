package org.flows4j.transform;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ConvOps;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.LinalgOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.TriangularOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Tensor;

/**
 * Invertible 1x1 convolution (Kingma &amp; Dhariwal 2018, Glow) in LU form: the same invertible {@code C x C}
 * matrix mixes the channels at every pixel of an image row ({@link ImageShape}), forward (data to latent)
 * <pre>  y[:, h, w] = W x[:, h, w],   W = P L U</pre>
 * with {@code P} a fixed permutation (a buffer), {@code L} unit lower triangular and {@code U} upper
 * triangular with diagonal {@code exp(logDiagU)} (learnable strict triangles and log-diagonal), so {@code W} is
 * invertible for every parameter value. The inverse applies {@code W^-1 = U^-1 L^-1 P^T} at every pixel.
 *
 * <p>Log-det: the Jacobian is block diagonal with {@code H W} copies of {@code W}, and
 * {@code |det W| = prod_i exp(logDiagU_i)}, so every row gets {@code log |det J| = H W sum_i logDiagU_i}
 * ({@code O(C)}, no determinant is ever computed); the inverse reports its negative.
 *
 * <p>A new layer starts as a random rotation (Glow's initialization, drawn as in {@link LULinear#random}). The
 * product is a 1x1 convolution ({@link ConvOps#conv2d}); forming {@code W} costs {@code O(C^3)} per call and the
 * inverse {@code O(C^3)} triangular solves, negligible beside the {@code O(N H W C^2)} product.
 */
public final class InvertibleConv1x1 extends Transform implements Part {
    private final ImageShape shape;
    private final Parameter lowerEntries;
    private final Parameter upperEntries;
    private final Parameter logDiagU;
    private final Tensor permutation;

    /** A layer on images of {@code shape} starting at a random rotation drawn from {@code rng}. */
    public InvertibleConv1x1(ImageShape shape, DType dtype, Rng rng) {
        super(shape.features(), 0);
        if (dtype == null || rng == null) {
            throw new IllegalArgumentException("InvertibleConv1x1: dtype and rng must not be null");
        }
        int c = shape.channels();
        this.shape = shape;
        RandomRotation.Factors f = RandomRotation.draw(c, rng);
        boolean hasStrict = c > 1;
        this.lowerEntries = hasStrict ? registerParameter("lower", Tensor.of(f.lowerStrict(), f.lowerStrict().length)
                .to(dtype)) : null;
        this.upperEntries = hasStrict ? registerParameter("upper", Tensor.of(f.upperStrict(), f.upperStrict().length)
                .to(dtype)) : null;
        this.logDiagU = registerParameter("logDiagU", Tensor.of(f.logDiagU(), c).to(dtype));
        double[] p = new double[c];
        for (int i = 0; i < c; i++) {
            p[i] = f.perm()[i];
        }
        this.permutation = registerBuffer("permutation", Tensor.of(p, c).to(dtype));
    }

    /** The image shape. */
    public ImageShape shape() {
        return shape;
    }

    /** The current {@code W = P L U} as dense rows. */
    public double[][] weight() {
        return weightMatrix().value().toDoubleMatrix();
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return new Transformed(mix(x, weightMatrix()), logDet(x, 1.0));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        return new Transformed(mix(y, inverseMatrix()), logDet(y, -1.0));
    }

    /** {@code m} applied to the channels at every pixel, as a 1x1 convolution. */
    private Variable mix(Variable rows, Variable m) {
        int c = shape.channels();
        Variable images = ShapeOps.reshape(rows, rows.size(0), c, shape.height(), shape.width());
        Variable out = ConvOps.conv2d(images, ShapeOps.reshape(m, c, c, 1, 1), null, 0, Activation.IDENTITY);
        return ShapeOps.reshape(out, rows.size(0), shape.features());
    }

    private Variable logDet(Variable x, double sign) {
        Variable perRow = ArithmeticOps.mulScalar(ReduceOps.sum(logDiagU.variable()), sign * shape.pixels());
        return ArithmeticOps.add(Variable.constant(Tensor.zeros(x.dtype(), x.size(0))), perRow);
    }

    /** {@code P L U}: row {@code i} is row {@code perm[i]} of {@code L U}. */
    private Variable weightMatrix() {
        int c = shape.channels();
        Variable lu = LinalgOps.matmul(lowerMatrix(), upperMatrix());
        int[] perm = permutation();
        int[] rowsPermuted = new int[c * c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                rowsPermuted[i * c + j] = perm[i] * c + j;
            }
        }
        return reorder(lu, rowsPermuted);
    }

    /**
     * {@code W^-1 = U^-1 L^-1 P^T}: the solves run on the rows {@code e_r} of the identity (one right-hand side per
     * row), giving the columns of {@code W^-1} as rows, which are then transposed.
     */
    private Variable inverseMatrix() {
        int c = shape.channels();
        int[] perm = permutation();
        int[] inv = new int[c];
        for (int i = 0; i < c; i++) {
            inv[perm[i]] = i;
        }
        Variable identity = Variable.constant(Tensor.zeros(logDiagU.value().dtype(), c, c));
        for (int i = 0; i < c; i++) {
            identity.value().set(i * c + i, 1.0);
        }
        Variable unpermuted = IndexOps.gather(identity, inv);
        Variable w = TriangularOps.solve(lowerMatrix(), unpermuted, true, true);
        Variable columns = TriangularOps.solve(upperMatrix(), w, false, false);
        int[] transpose = new int[c * c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                transpose[i * c + j] = j * c + i;
            }
        }
        return reorder(columns, transpose);
    }

    /** The {@code [C, C]} matrix whose flat entry {@code k} is entry {@code order[k]} of {@code m}. */
    private static Variable reorder(Variable m, int[] order) {
        int c = m.size(0);
        return ShapeOps.reshape(IndexOps.gather(ShapeOps.reshape(m, 1, c * c), order), c, c);
    }

    private Variable lowerMatrix() {
        return TriangleOps.unitLower(lowerEntries, logDiagU);
    }

    private Variable upperMatrix() {
        return TriangleOps.expDiagonalUpper(upperEntries, logDiagU);
    }

    private int[] permutation() {
        int c = shape.channels();
        int[] p = new int[c];
        boolean[] seen = new boolean[c];
        for (int i = 0; i < c; i++) {
            p[i] = (int) Math.round(permutation.get(i));
            if (p[i] < 0 || p[i] >= c || seen[p[i]]) {
                throw new IllegalStateException("InvertibleConv1x1: the permutation buffer must hold each of 0.."
                        + (c - 1) + " once, but entry " + i + " is " + permutation.get(i));
            }
            seen[p[i]] = true;
        }
        return p;
    }

    /**
     * Type {@code invertible-conv1x1}: {@code channels}, {@code height}, {@code width}, {@code dtype}; the
     * factors and the permutation are its state.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("invertible-conv1x1").with("channels", shape.channels()).with("height", shape.height())
                .with("width", shape.width()).with("dtype", Parts.dtypeOf(this));
    }
}
