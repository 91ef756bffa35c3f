package org.flows4j.flows;

import java.util.ArrayList;
import java.util.List;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.nn.ConvNet;
import org.flows4j.tensor.ImageShape;
import org.flows4j.tensor.Rng;
import org.flows4j.transform.ActNorm;
import org.flows4j.transform.Composite;
import org.flows4j.transform.InvertibleConv1x1;
import org.flows4j.transform.Logit;
import org.flows4j.transform.Partial;
import org.flows4j.transform.Squeeze;
import org.flows4j.transform.Transform;
import org.flows4j.transform.coupling.AffineCoupling;
import org.flows4j.transform.coupling.CouplingMask;

/**
 * The multi-scale image flows, on rows holding {@code C x H x W} images in channel-major order
 * ({@link FlowSpec#image()}), with {@code L = }{@link FlowSpec#levels()}, {@code K = }{@link FlowSpec#layers()}
 * and {@code h = hidden[0]} channels in every conditioner ({@link ConvNet}: 3x3, ReLU, 1x1, ReLU, 3x3 starting at
 * zero). Data to latent:
 * <pre>
 * glow (Kingma &amp; Dhariwal 2018), level l on an image s:
 *   squeeze s -> s' (4C x H/2 x W/2);
 *   K times: per-channel ActNorm, invertible 1x1 convolution, affine coupling of the second half of the
 *            channels given the first;
 *   l &lt; L: the first half of the channels go on to level l + 1, the second half leave for the latent
 *          through a per-channel ActNorm (a learned diagonal Gaussian prior per channel);
 *   l = L: a per-channel ActNorm over all channels (the last level's learned prior).
 * realnvp-image (Dinh et al. 2016), level l on s:
 *   l &lt; L: K checkerboard couplings (alternating parity), squeeze, K channel-wise couplings (alternating
 *          halves), then the same split as Glow;
 *   l = L: K + 1 checkerboard couplings and a per-channel ActNorm prior;
 *   each coupling preceded by a per-channel ActNorm, the whole flow by a logit with boundary 0.05
 *   (data in [0, 1]: the dequantized pixels).
 * </pre>
 * The couplings use the spec's affine transformer ({@link Preset#affine}: a bounded log-scale). The base is a
 * standard normal; since each latent part ends in its own ActNorm {@code z' = (z - m_c) / s_c}, the density of
 * the part before it is {@code N(m_c, s_c^2)} per channel, the learned per-level base of Glow. The features that
 * leave at a level stay in place in the row: a level's transform is a {@link Partial} over the first half of the
 * previous level's row, so the latent is a reordering of the data's coordinates level by level.
 */
final class ImageFlows {
    /** RealNVP's logit boundary: data {@code x} in [0, 1] is read as {@code logit(0.05 + 0.9 x)}. */
    static final double LOGIT_ALPHA = 0.05;

    private ImageFlows() {
    }

    /** The Glow flow of {@code spec}. */
    static Flow glow(FlowSpec spec) {
        Rng rng = new Rng(spec.seed());
        return new Flow(glowLevel(spec, spec.image(), 1, rng), new StandardNormal(spec.features(), spec.dtype()));
    }

    /** The multi-scale RealNVP flow of {@code spec}. */
    static Flow realnvpImage(FlowSpec spec) {
        Rng rng = new Rng(spec.seed());
        Transform levels = realnvpLevel(spec, spec.image(), 1, rng);
        Transform t = new Composite(new Logit(spec.features(), LOGIT_ALPHA), levels);
        return new Flow(t, new StandardNormal(spec.features(), spec.dtype()));
    }

    private static Transform glowLevel(FlowSpec spec, ImageShape s, int level, Rng rng) {
        List<Transform> steps = new ArrayList<>();
        steps.add(new Squeeze(s));
        ImageShape q = s.squeezed();
        for (int k = 0; k < spec.layers(); k++) {
            steps.add(new ActNorm(q, spec.dtype()));
            steps.add(new InvertibleConv1x1(q, spec.dtype(), rng));
            steps.add(coupling(spec, q, CouplingMask.channels(q, true), rng));
        }
        steps.addAll(split(spec, q, level, rng, true));
        return new Composite(steps);
    }

    private static Transform realnvpLevel(FlowSpec spec, ImageShape s, int level, Rng rng) {
        List<Transform> steps = new ArrayList<>();
        boolean last = level == spec.levels();
        for (int k = 0; k < spec.layers() + (last ? 1 : 0); k++) {
            steps.add(new ActNorm(s, spec.dtype()));
            steps.add(coupling(spec, s, CouplingMask.checkerboard(s, k % 2 == 1), rng));
        }
        if (last) {
            steps.add(new ActNorm(s, spec.dtype()));
            return new Composite(steps);
        }
        steps.add(new Squeeze(s));
        ImageShape q = s.squeezed();
        for (int k = 0; k < spec.layers(); k++) {
            steps.add(new ActNorm(q, spec.dtype()));
            steps.add(coupling(spec, q, CouplingMask.channels(q, k % 2 == 0), rng));
        }
        steps.addAll(split(spec, q, level, rng, false));
        return new Composite(steps);
    }

    /**
     * The end of a level on image {@code q}: the next level on the first half of the channels and a per-channel
     * ActNorm prior on the second half, or at the last level an ActNorm prior on all of {@code q}.
     */
    private static List<Transform> split(FlowSpec spec, ImageShape q, int level, Rng rng, boolean glow) {
        if (level == spec.levels()) {
            return List.of(new ActNorm(q, spec.dtype()));
        }
        ImageShape kept = q.withChannels(q.channels() / 2);
        ImageShape out = q.withChannels(q.channels() - kept.channels());
        Transform next = glow ? glowLevel(spec, kept, level + 1, rng) : realnvpLevel(spec, kept, level + 1, rng);
        return List.of(new Partial(q.features(), 0, next),
                new Partial(q.features(), kept.features(), new ActNorm(out, spec.dtype())));
    }

    private static Transform coupling(FlowSpec spec, ImageShape q, CouplingMask mask, Rng rng) {
        int hidden = spec.hidden()[0];
        return new AffineCoupling(mask, 0, Preset.affine(spec),
                (in, context, out) -> new ConvNet(q, mask.toArray(), 2, hidden, spec.dtype(), rng));
    }
}
