package org.flows4j.vi;

import org.flows4j.autodiff.ArithmeticOps;
import org.flows4j.autodiff.ReduceOps;
import org.flows4j.autodiff.Variable;
import org.flows4j.distribution.Distribution;
import org.flows4j.nn.Parameter;
import org.flows4j.nn.Parts;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.flows4j.train.ShardedLoss;

/**
 * The reverse-KL objective of variational inference and its gradient from reparameterized samples. For {@code n}
 * samples {@code x_i = f^-1(z_i)}, {@code z_i} from the base, of which {@code G} are usable ({@link SampleCounts}),
 * <pre>
 *   L(theta) = (1/G) sum_{usable i} (log q_theta(x_i) - beta log p~(x_i)),
 * </pre>
 * an estimate of {@code KL(q || p^beta / Z_beta) - log Z_beta}; its gradient flows through the samples into the
 * flow's parameters. Samples that are not usable are left out of {@code L} (mean over the usable ones) and counted
 * ({@link KlEstimate#counts()}); when more than half of the step's samples are left out, the step is refused
 * ({@link KlEstimate#refused()}): the gradients are cleared, so an optimizer step changes nothing.
 *
 * <p><b>Sticking the landing</b> (Roeder, Wu &amp; Duvenaud 2017): with {@code stickingTheLanding} the gradient
 * is that of {@code (1/G) sum (log q_theta'(x_i(theta)) - beta log p~(x_i(theta)))} at {@code theta' = theta}
 * held constant, i.e. the full gradient minus the score term {@code (1/G) sum_i d/dtheta log q_theta(x)} at fixed
 * {@code x = x_i}, whose expectation is 0. {@code log q} is then computed by a copy of the flow whose parameters are
 * frozen (entered as constants) and refreshed from the flow before every step: the path derivative through
 * {@code x_i} remains, the direct dependence on {@code theta} is gone. When {@code q} equals {@code p} the gradient
 * of every sample is 0 (zero variance at the optimum). Cost: one more forward pass of the flow per step.
 *
 * <p>The samples of a step are drawn in {@code shards} parts ({@link ShardedLoss#backwardAt}), each from its own
 * generator split off the step's generator in shard order, and their gradients are summed in shard order: the
 * result depends on the shard count but not on the thread count. The shards call the target's
 * {@link Target#logDensity} concurrently, so it must keep no mutable state.
 */
public final class ReverseKl {
    private final Distribution q;
    private final Target target;
    private final Reparameterized sampler;
    private final Distribution frozen;
    private final ShardedLoss loss;

    /**
     * The objective of fitting {@code q} (unconditional, a registered part when {@code stickingTheLanding} is set) to
     * {@code target}.
     *
     * @throws IllegalArgumentException when the feature counts differ, {@code q} is conditional or {@code shards < 1}
     */
    public ReverseKl(Distribution q, Target target, int shards, boolean stickingTheLanding) {
        SampleRows.requireCompatible("ReverseKl", q, target);
        this.q = q;
        this.target = target;
        this.sampler = new Reparameterized(q);
        this.loss = new ShardedLoss(shards);
        this.frozen = stickingTheLanding ? Parts.copy(q) : null;
        if (frozen != null) {
            for (Parameter p : frozen.parameters().values()) {
                p.setFrozen(true);
            }
        }
    }

    /** Whether the score term is left out of the gradient. */
    public boolean stickingTheLanding() {
        return frozen != null;
    }

    /**
     * Draws {@code n} samples from {@code rng}, computes the loss at inverse temperature {@code beta} and replaces
     * the gradients of {@code q}'s parameters by {@code dL/dtheta} (cleared when the step is refused). {@code step}
     * sets the dropout keys of the shards.
     *
     * @throws IllegalArgumentException when {@code n < 1} or {@code beta} is not finite and positive, or the target
     *                                  returns values of the wrong shape or dtype
     */
    public KlEstimate backwardAt(long step, int n, double beta, Rng rng) {
        if (n < 1) {
            throw new IllegalArgumentException("ReverseKl: expected at least 1 sample per step, got " + n);
        }
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("ReverseKl: expected a finite beta > 0, got " + beta);
        }
        q.zeroGrad();
        if (frozen != null) {
            frozen.loadStateDict(q.stateDict());
            frozen.train(q.isTraining());
        }
        int shards = loss.shards();
        Rng[] rngs = new Rng[shards];
        for (int s = 0; s < shards; s++) {
            rngs[s] = rng.split();
        }
        SampleCounts[] counts = new SampleCounts[shards];
        double[][] sums = new double[shards][2];
        loss.backwardAt(step, n, q.dependsOnBatch(), (s, r0, r1) -> shardLoss(r1 - r0, rngs[s], beta, n, counts, sums, s));
        SampleCounts total = SampleCounts.NONE;
        double sumLogQ = 0;
        double sumLogP = 0;
        for (int s = 0; s < shards; s++) {
            if (counts[s] != null) {
                total = total.plus(counts[s]);
                sumLogQ += sums[s][0];
                sumLogP += sums[s][1];
            }
        }
        int usable = total.usable();
        KlEstimate out = new KlEstimate((sumLogQ - beta * sumLogP) / usable, (sumLogP - sumLogQ) / usable, beta, total);
        if (out.refused()) {
            q.zeroGrad();
        } else if (usable < n) {
            for (Parameter p : q.parameters().values()) {
                Tensor g = p.grad();
                if (g != null) {
                    g.scaleInPlace((double) n / usable);
                }
            }
        }
        return out;
    }

    /**
     * Shard {@code s}: {@code m} samples, their kinds in {@code counts[s]}, the sums of {@code log q} and
     * {@code log p~} over the usable ones in {@code sums[s]}, and the loss {@code (1/n) sum (log q - beta log p~)}.
     */
    private Variable shardLoss(int m, Rng rng, double beta, int n, SampleCounts[] counts, double[][] sums, int s) {
        Reparameterized.Draw d = sampler.draw(m, rng);
        Variable logP = SampleRows.logDensity(target, d.x());
        byte[] kinds = SampleRows.classify(d.x().value(), d.logQ().value(), logP.value());
        counts[s] = SampleRows.count(kinds);
        if (counts[s].usable() == 0) {
            return null;
        }
        if (counts[s].dropped() > 0) {
            d = sampler.restrict(d, SampleRows.indicesOf(kinds, SampleRows.USABLE));
            logP = SampleRows.logDensity(target, d.x());
        }
        Variable logQ = frozen != null ? frozen.logProb(d.x()) : d.logQ();
        sums[s][0] = sum(logQ.value());
        sums[s][1] = sum(logP.value());
        Variable perSample = ArithmeticOps.sub(logQ, beta == 1.0 ? logP : ArithmeticOps.mulScalar(logP, beta));
        return ArithmeticOps.mulScalar(ReduceOps.sum(perSample), 1.0 / n);
    }

    private static double sum(Tensor t) {
        double total = 0;
        for (int i = 0; i < t.numel(); i++) {
            total += t.get(i);
        }
        return total;
    }
}
