package org.flows4j.nn;

import org.flows4j.autodiff.Activation;
import org.flows4j.autodiff.IndexOps;
import org.flows4j.autodiff.ShapeOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.tensor.ImageShape;

/**
 * The convolutional conditioner of an image coupling layer (Glow's {@code NN}): for an image row of shape
 * {@code C x H x W} ({@link ImageShape}) split by a mask into a pass-through set {@code A} and a transformed set
 * {@code B}, it maps {@code x_A [N, |A|]} to {@code theta [N, |B| P]}, {@code P} parameters per feature of B:
 * <pre>
 *   h_0 = the image of x_A                    (the A channels; or all C channels with B's pixels set to 0)
 *   h_1 = ReLU(conv3x3(h_0) + b_1)            hidden channels, zero padding 1
 *   h_2 = ReLU(conv1x1(h_1) + b_2)            hidden channels
 *   o   = conv3x3(h_2) + b_3                  P x (channels of B) channels, zero padding 1, zero at the start
 *   theta[k P + p] = o[p, c_k, i_k, j_k]      for the k-th feature (c_k, i_k, j_k) of B in ascending order
 * </pre>
 * When A is a union of whole channels (a channel-wise mask) the network reads those channels only and writes
 * the channels of B; otherwise (a checkerboard) it reads all {@code C} channels with B's entries zeroed and
 * writes {@code P C} channels, of which B's positions are used. The last layer's weights and bias start at zero,
 * so a new coupling layer is the identity; the others start from PyTorch's default, {@code U(+-1/sqrt(fan_in))}
 * ({@link Conv2d}). Parameters: {@code conv0}, {@code conv1}, {@code conv2} ({@code .weight}
 * {@code [out, in, k, k]}, {@code .bias}). Cost per row: {@code H W (9 c_in h + h^2 + 9 h c_out)}
 * multiply-adds. No context.
 */
public final class ConvNet extends Network implements Part {
    private final ImageShape image;
    private final boolean[] transformed;
    private final int paramsPerFeature;
    private final int hidden;
    private final int inFeatures;
    private final int outFeatures;
    private final int inChannels;
    private final int outChannels;
    private final int[] scatter;
    private final int[] select;
    private final Conv2d[] layers = new Conv2d[3];

    /**
     * The conditioner for the mask {@code transformed} (true for the features of B) over images of {@code image},
     * with {@code paramsPerFeature} outputs per feature of B and {@code hidden} channels.
     *
     * @throws IllegalArgumentException if the mask does not have {@code C H W} entries, or A or B is empty
     */
    public ConvNet(ImageShape image, boolean[] transformed, int paramsPerFeature, int hidden, DType dtype, Rng rng) {
        int d = image.features();
        if (transformed == null || transformed.length != d) {
            throw new IllegalArgumentException("ConvNet: the mask must have " + d + " entries for a " + image
                    + " image, got " + (transformed == null ? "null" : transformed.length));
        }
        if (paramsPerFeature < 1 || hidden < 1 || dtype == null || rng == null) {
            throw new IllegalArgumentException("ConvNet: paramsPerFeature and hidden must be positive, dtype and rng "
                    + "given; got " + paramsPerFeature + ", " + hidden);
        }
        this.image = image;
        this.transformed = transformed.clone();
        this.paramsPerFeature = paramsPerFeature;
        this.hidden = hidden;
        int hw = image.pixels();
        boolean channelWise = channelWise(image, transformed);
        int[] aIndex = new int[d];
        int nA = 0;
        int nB = 0;
        for (int j = 0; j < d; j++) {
            aIndex[j] = transformed[j] ? -1 : nA++;
            nB += transformed[j] ? 1 : 0;
        }
        if (nA == 0 || nB == 0) {
            throw new IllegalArgumentException("ConvNet: the mask must leave both sets non-empty, got " + nA
                    + " pass-through and " + nB + " transformed features");
        }
        this.inFeatures = nA;
        this.outFeatures = nB * paramsPerFeature;
        this.inChannels = channelWise ? nA / hw : image.channels();
        this.outChannels = paramsPerFeature * (channelWise ? nB / hw : image.channels());
        this.scatter = channelWise ? null : new int[d];
        if (!channelWise) {
            for (int j = 0; j < d; j++) {
                scatter[j] = transformed[j] ? nA : aIndex[j];
            }
        }
        this.select = new int[outFeatures];
        int perParam = outChannels / paramsPerFeature;
        int k = 0;
        int bChannel = -1;
        int lastChannel = -1;
        for (int j = 0; j < d; j++) {
            if (!transformed[j]) {
                continue;
            }
            int c = j / hw;
            if (c != lastChannel) {
                bChannel++;
                lastChannel = c;
            }
            int outChannel = channelWise ? bChannel : c;
            for (int p = 0; p < paramsPerFeature; p++) {
                select[k * paramsPerFeature + p] = (p * perParam + outChannel) * hw + j % hw;
            }
            k++;
        }
        layers[0] = registerModule("conv0", new Conv2d(inChannels, hidden, 3, 1, dtype, rng));
        layers[1] = registerModule("conv1", new Conv2d(hidden, hidden, 1, 0, dtype, rng));
        layers[2] = registerModule("conv2", Conv2d.zeroInitialized(hidden, outChannels, 3, 1, dtype));
    }

    /** Whether every channel is wholly in A or wholly in B. */
    private static boolean channelWise(ImageShape image, boolean[] transformed) {
        int hw = image.pixels();
        for (int c = 0; c < image.channels(); c++) {
            for (int j = c * hw + 1; j < (c + 1) * hw; j++) {
                if (transformed[j] != transformed[c * hw]) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public Variable forward(Variable x, Variable context) {
        int n = x.size(0);
        Variable h = x;
        if (scatter != null) {
            Variable zero = Variable.constant(Tensor.zeros(x.dtype(), n, 1));
            h = IndexOps.gather(IndexOps.concat(1, x, zero), scatter);
        }
        h = ShapeOps.reshape(h, n, inChannels, image.height(), image.width());
        h = layers[0].forward(h, Activation.RELU);
        h = layers[1].forward(h, Activation.RELU);
        h = layers[2].forward(h, Activation.IDENTITY);
        return IndexOps.gather(ShapeOps.reshape(h, n, outChannels * image.pixels()), select);
    }

    @Override
    public int inFeatures() {
        return inFeatures;
    }

    @Override
    public int contextFeatures() {
        return 0;
    }

    @Override
    public int outFeatures() {
        return outFeatures;
    }

    /** The image shape of the rows the mask splits. */
    public ImageShape image() {
        return image;
    }

    /** Number of hidden channels. */
    public int hidden() {
        return hidden;
    }

    /**
     * Type {@code conv-net}: {@code channels}, {@code height}, {@code width}, {@code transformed} (the mask),
     * {@code params_per_feature}, {@code hidden}, {@code dtype}.
     */
    @Override
    public PartConfig describe() {
        return PartConfig.of("conv-net").with("channels", image.channels()).with("height", image.height())
                .with("width", image.width()).with("transformed", transformed.clone())
                .with("params_per_feature", paramsPerFeature).with("hidden", hidden)
                .with("dtype", Parts.dtypeOf(this));
    }
}
