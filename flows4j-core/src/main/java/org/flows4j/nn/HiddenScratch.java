package org.flows4j.nn;

import java.lang.ref.SoftReference;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.flows4j.tensor.kernel.ContextLocal;

/**
 * Per-thread reusable buffers for the hidden activations of a network evaluated without gradients.
 * A hidden activation is read only by the next layer, so two alternating slots serve any depth: layer
 * {@code i} writes slot {@code i mod 2} while reading slot {@code (i - 1) mod 2}. The network's output is
 * always freshly allocated, so nothing handed to the caller aliases a buffer.
 *
 * <p>Reusing the buffer keeps it warm in the caches and saves allocating and zeroing a new
 * {@code N x hidden} array per layer, which dominated sampling from MADE-based flows (a pass per
 * feature). Buffers are held through soft references (the collector may drop them under memory
 * pressure) and only up to {@value #MAX_ELEMENTS} elements; larger activations are allocated as usual.
 * Each thread has its own slots (per compute context: they are {@link ContextLocal}s, dropped when the
 * context closes), so concurrent evaluation from many threads stays safe; a network
 * must not evaluate another network between taking a slot and finishing with it (none does).
 */
final class HiddenScratch {
    /** Largest buffer kept, in elements (16 MiB of float32). */
    static final int MAX_ELEMENTS = 1 << 22;

    private static final ContextLocal<Slots> SLOTS = new ContextLocal<>(Slots::new);

    private HiddenScratch() {
    }

    private static final class Slots {
        @SuppressWarnings("unchecked")
        final SoftReference<Tensor>[] refs = new SoftReference[2];
    }

    /** A {@code [rows, cols]} tensor for slot {@code slot & 1} whose contents the caller overwrites. */
    static Tensor take(int slot, DType dtype, int rows, int cols) {
        long n = (long) rows * cols;
        if (n > MAX_ELEMENTS) {
            return Tensor.zeros(dtype, rows, cols);
        }
        SoftReference<Tensor>[] refs = SLOTS.get().refs;
        SoftReference<Tensor> ref = refs[slot & 1];
        Tensor t = ref == null ? null : ref.get();
        if (t == null || t.dtype() != dtype || !t.hasShape(rows, cols)) {
            t = Tensor.zeros(dtype, rows, cols);
            refs[slot & 1] = new SoftReference<>(t);
        }
        return t;
    }
}
