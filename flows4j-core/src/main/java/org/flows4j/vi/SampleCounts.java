package org.flows4j.vi;

/**
 * What became of the samples of one step or one estimate. A sample {@code x ~ q} is
 * <ul>
 *   <li><b>non-finite</b> when the flow gave it a non-finite coordinate or a non-finite {@code log q(x)} (the flow
 *       itself overflowed);</li>
 *   <li><b>invalid</b> when the target returned NaN or {@code +inf} for it (an error in the target);</li>
 *   <li><b>outside</b> when the target returned {@code -inf} (outside its support);</li>
 *   <li><b>usable</b> otherwise: both log-densities finite.</li>
 * </ul>
 * The reverse-KL loss averages over the usable samples only; the importance-weighted estimate gives the outside
 * samples weight 0 and leaves out the invalid and non-finite ones (see {@link ImportanceEstimate}).
 *
 * @param total     samples drawn
 * @param nonFinite samples the flow gave a non-finite value or log-density
 * @param invalid   samples with a NaN or {@code +inf} target log-density
 * @param outside   samples with a {@code -inf} target log-density
 */
public record SampleCounts(int total, int nonFinite, int invalid, int outside) {
    /** Validates the counts. */
    public SampleCounts {
        if (total < 0 || nonFinite < 0 || invalid < 0 || outside < 0 || nonFinite + invalid + outside > total) {
            throw new IllegalArgumentException("SampleCounts: expected counts >= 0 whose sum is at most the total "
                    + total + ", got nonFinite " + nonFinite + ", invalid " + invalid + ", outside " + outside);
        }
    }

    /** No samples. */
    public static final SampleCounts NONE = new SampleCounts(0, 0, 0, 0);

    /** Samples with both log-densities finite: {@code total - nonFinite - invalid - outside}. */
    public int usable() {
        return total - nonFinite - invalid - outside;
    }

    /** Samples left out of the loss: {@code nonFinite + invalid + outside}. */
    public int dropped() {
        return nonFinite + invalid + outside;
    }

    /** The counts of both, added. */
    public SampleCounts plus(SampleCounts o) {
        return new SampleCounts(total + o.total, nonFinite + o.nonFinite, invalid + o.invalid, outside + o.outside);
    }
}
