package org.flows4j.transform;

import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.nn.Part;
import org.flows4j.nn.PartConfig;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Tensor;

/**
 * Space-to-depth (Dinh et al. 2016): every {@code 2 x 2} block of pixels of each channel becomes four channels,
 * {@code C x H x W -> 4C x H/2 x W/2} on rows in channel-major order ({@link ImageShape}), forward (data to latent)
 * <pre>  y[4c + 2a + b, i, j] = x[c, 2i + a, 2j + b],   a, b in {0, 1}</pre>
 * and the inverse (depth-to-space) puts them back. It only reorders the features, so
 * {@code log |det J| = 0} both ways. It lets a multi-scale flow trade resolution for channels before each level.
 * Cost: {@code O(N D)} copies.
 */
public final class Squeeze extends Transform implements Part {
    private final ImageShape shape;
    private final int[] forwardOrder;
    private final int[] inverseOrder;

    /**
     * Squeezes images of {@code shape}.
     *
     * @throws IllegalArgumentException if the height or width is odd
     */
    public Squeeze(ImageShape shape) {
        super(shape.features(), 0);
        ImageShape out = shape.squeezed();
        this.shape = shape;
        this.forwardOrder = new int[shape.features()];
        this.inverseOrder = new int[shape.features()];
        for (int c = 0; c < shape.channels(); c++) {
            for (int i = 0; i < out.height(); i++) {
                for (int j = 0; j < out.width(); j++) {
                    for (int a = 0; a < 2; a++) {
                        for (int b = 0; b < 2; b++) {
                            int to = ((4 * c + 2 * a + b) * out.height() + i) * out.width() + j;
                            int from = (c * shape.height() + 2 * i + a) * shape.width() + 2 * j + b;
                            forwardOrder[to] = from;
                            inverseOrder[from] = to;
                        }
                    }
                }
            }
        }
    }

    /** The input image shape. */
    public ImageShape shape() {
        return shape;
    }

    /** The output image shape, {@code 4C x H/2 x W/2}. */
    public ImageShape outputShape() {
        return shape.squeezed();
    }

    @Override
    protected Transformed applyForward(Variable x, Variable context) {
        return new Transformed(IndexOps.gather(x, forwardOrder), zeros(x));
    }

    @Override
    protected Transformed applyInverse(Variable y, Variable context) {
        return new Transformed(IndexOps.gather(y, inverseOrder), zeros(y));
    }

    private static Variable zeros(Variable x) {
        return Variable.constant(Tensor.zeros(x.dtype(), x.size(0)));
    }

    /** Type {@code squeeze}: {@code channels}, {@code height}, {@code width} of the input image. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("squeeze").with("channels", shape.channels()).with("height", shape.height())
                .with("width", shape.width());
    }
}
