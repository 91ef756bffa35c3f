package org.flows4j.flows;

import org.flows4j.nn.Parts;
import org.flows4j.nn.PartConfig;
import org.flows4j.nn.Part;
import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.GradMode;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Distribution;
import org.flows4j.distribution.Sampled;
import org.flows4j.tensor.Parallel;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;

/**
 * A normalizing flow: a base distribution and an invertible transform {@code f} (data to latent).
 * By the change of variables,
 * <pre>  log p(x | c) = log p_base(f(x; c) | c) + log |det df(x; c)/dx|</pre>
 * and sampling draws {@code z} from the base and returns {@code x = f^-1(z; c)}. The base receives
 * the context only if it is itself conditional.
 *
 * <p>Cost: {@code logProb} is one forward pass of the transform; {@code sample} one inverse pass
 * (which is the slow direction for autoregressive transforms such as MAF). A trained flow is safe
 * to evaluate from many threads at once.
 */
public final class Flow extends Distribution implements Part {
    /**
     * Rows per chunk of a pass without gradient over many rows ({@code logProb}, {@code sample}); the
     * chunks run concurrently on the kernel threads, and a chunk's activations stay in the core's cache.
     */
    public static final int EVAL_CHUNK = 1024;
    private final Transform transform;
    private final Distribution base;

    /** A flow with the given data-to-latent transform and base distribution. */
    public Flow(Transform transform, Distribution base) {
        super(checkFeatures(transform, base), Math.max(transform.contextFeatures(), base.contextFeatures()), base.dtype());
        this.transform = registerModule("transform", transform);
        this.base = registerModule("base", base);
    }

    private static int checkFeatures(Transform transform, Distribution base) {
        if (transform.features() != base.features()) {
            throw new IllegalArgumentException("Flow: the transform has " + transform.features()
                    + " features but the base distribution has " + base.features());
        }
        return transform.features();
    }

    /** The data-to-latent transform. */
    public Transform transform() {
        return transform;
    }

    /** The base distribution. */
    public Distribution base() {
        return base;
    }

    /** The latent image {@code z = f(x; c)} of each row, without the log-det. */
    public Variable toLatent(Variable x, Variable context) {
        return transform.forward(x, context).output();
    }

    /** The latent image of plain rows, computed without recording a graph. */
    public double[][] toLatent(double[][] x) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return toLatent(Variable.constant(Tensor.of(x).to(dtype())), null).value().toDoubleMatrix();
        }
    }

    @Override
    protected Variable computeLogProb(Variable x, Variable context) {
        int n = x.size(0);
        if (chunked(n)) {
            Tensor xv = x.value();
            Tensor cv = context == null ? null : context.value();
            return Variable.constant(byChunks(n, (r0, r1) -> new Tensor[] {computeLogProb(
                    Variable.constant(xv.rows(r0, r1)), rowsOf(cv, r0, r1)).value()})[0]);
        }
        Transformed t = transform.forward(x, context);
        Variable baseContext = base.contextFeatures() > 0 ? context : null;
        return ArithmeticOps.add(base.logProb(t.output(), baseContext), t.logDet());
    }

    @Override
    protected Variable computeSample(int n, Variable context, Rng rng) {
        Variable baseContext = base.contextFeatures() > 0 ? context : null;
        return fromLatent(base.sample(n, baseContext, rng), context);
    }

    /** The data rows {@code x = f^-1(z; c)} of latent rows, in chunks when no gradient is recorded. */
    private Variable fromLatent(Variable z, Variable context) {
        int n = z.size(0);
        if (chunked(n)) {
            Tensor zv = z.value();
            Tensor cv = context == null ? null : context.value();
            return Variable.constant(byChunks(n, (r0, r1) -> new Tensor[] {transform.inverse(
                    Variable.constant(zv.rows(r0, r1)), rowsOf(cv, r0, r1)).output().value()})[0]);
        }
        return transform.inverse(z, context).output();
    }

    /**
     * The data rows {@code x = f^-1(z; c)} of plain latent rows, computed without recording a graph; {@code context}
     * is null for an unconditional flow.
     */
    public double[][] fromLatent(double[][] z, double[][] context) {
        try (GradMode.Scope s = GradMode.noGrad()) {
            Variable c = context == null ? null : Variable.constant(Tensor.of(context).to(dtype()));
            return fromLatent(Variable.constant(Tensor.of(z).to(dtype())), c).value().toDoubleMatrix();
        }
    }

    @Override
    protected Sampled computeSampleAndLogProb(int n, Variable context, Rng rng) {
        Variable baseContext = base.contextFeatures() > 0 ? context : null;
        Sampled z = base.sampleAndLogProb(n, baseContext, rng);
        if (chunked(n)) {
            Tensor zv = z.samples().value();
            Tensor lv = z.logProb().value();
            Tensor cv = context == null ? null : context.value();
            Tensor[] out = byChunks(n, (r0, r1) -> {
                Transformed x = transform.inverse(Variable.constant(zv.rows(r0, r1)), rowsOf(cv, r0, r1));
                return new Tensor[] {x.output().value(), ArithmeticOps.sub(Variable.constant(lv.rows(r0, r1)),
                        x.logDet()).value()};
            });
            return new Sampled(Variable.constant(out[0]), Variable.constant(out[1]));
        }
        Transformed x = transform.inverse(z.samples(), context);
        return new Sampled(x.output(), ArithmeticOps.sub(z.logProb(), x.logDet()));
    }

    /** A pass over rows {@code [r0, r1)} returning tensors whose first axis has {@code r1 - r0} rows. */
    private interface ChunkPass {
        Tensor[] apply(int r0, int r1);
    }

    /**
     * Whether a pass over {@code n} rows runs in chunks: without a gradient, over more than one chunk,
     * and with no module that needs the whole batch at once.
     */
    private boolean chunked(int n) {
        return !GradMode.isEnabled() && n > EVAL_CHUNK && !dependsOnBatch();
    }

    /**
     * Runs {@code pass} over consecutive chunks of {@link #EVAL_CHUNK} rows, concurrently on the kernel
     * threads, and joins each of its outputs along the first axis. Every row is computed by the same
     * operations whatever chunk it falls in (no op of a flow mixes rows outside training-mode batch
     * statistics, which {@link #chunked} excludes), so the result equals the one-pass result bit for bit.
     */
    private static Tensor[] byChunks(int n, ChunkPass pass) {
        int chunks = (n + EVAL_CHUNK - 1) / EVAL_CHUNK;
        Tensor[][] parts = new Tensor[chunks][];
        Parallel.forRange(chunks, Long.MAX_VALUE, (c0, c1) -> {
            try (GradMode.Scope s = GradMode.noGrad()) {
                for (int c = c0; c < c1; c++) {
                    parts[c] = pass.apply(c * EVAL_CHUNK, Math.min(n, (c + 1) * EVAL_CHUNK));
                }
            }
        });
        Tensor[] out = new Tensor[parts[0].length];
        for (int k = 0; k < out.length; k++) {
            int[] shape = parts[0][k].shape().clone();
            shape[0] = n;
            out[k] = parts[0][k].zerosLike(shape);
            for (int c = 0; c < chunks; c++) {
                out[k].setRows(c * EVAL_CHUNK, parts[c][k]);
            }
        }
        return out;
    }

    private static Variable rowsOf(Tensor t, int r0, int r1) {
        return t == null ? null : Variable.constant(t.rows(r0, r1));
    }

    /** Type {@code flow}: {@code transform} and {@code base}, each a part config. */
    @Override
    public PartConfig describe() {
        return PartConfig.of("flow").with("transform", Parts.describe(transform)).with("base", Parts.describe(base));
    }
}
