package org.flows4j.tensor.kernel;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import org.flows4j.tensor.ComputeContext;

/**
 * A per-thread value, such as a kernel's scratch array, that belongs to the {@link ComputeContext} current
 * when it was made. The thread-local keeps only a small holder (the context and the value); each context
 * remembers (weakly) the holders made under it, and {@link ComputeContext#close()} empties them through
 * {@link #release}, so no array of a closed context stays reachable from a thread-local. A holder made
 * under another context than the current one is replaced by a new one, with a fresh initial value.
 *
 * <p>Cost: one or two thread-local lookups per {@link #get()}; registering a new holder takes a lock, once
 * per thread and context.
 *
 * @param <T> the value's type
 */
public final class ContextLocal<T> {
    /** Holders made under each context; guarded by itself. */
    private static final Map<ComputeContext, Registry> REGISTRIES = new WeakHashMap<>();

    private final ThreadLocal<Holder<T>> local = new ThreadLocal<>();
    private final Supplier<? extends T> initial;

    /** A value per thread and context, starting at {@code initial.get()}. */
    public ContextLocal(Supplier<? extends T> initial) {
        this.initial = Objects.requireNonNull(initial, "initial");
    }

    /** The calling thread's value under the current context (made now if there is none). */
    public T get() {
        return holder().value;
    }

    /** Replaces the calling thread's value under the current context. */
    public void set(T value) {
        holder().value = value;
    }

    private Holder<T> holder() {
        ComputeContext context = ComputeContext.current();
        Holder<T> h = local.get();
        if (h == null || h.context != context) {
            h = new Holder<>(context, initial.get());
            register(context, h);
            local.set(h);
        }
        return h;
    }

    /** One thread's value under one context. */
    private static final class Holder<T> {
        final ComputeContext context;
        T value;

        Holder(ComputeContext context, T value) {
            this.context = context;
            this.value = value;
        }
    }

    /** The holders made under one context, held weakly (a thread that ends takes its holders with it). */
    private static final class Registry {
        final List<WeakReference<Holder<?>>> holders = new ArrayList<>();
        int pruneAt = 64;

        void add(Holder<?> h) {
            if (holders.size() >= pruneAt) {
                holders.removeIf(r -> r.get() == null);
                pruneAt = Math.max(64, 2 * holders.size());
            }
            holders.add(new WeakReference<>(h));
        }
    }

    private static void register(ComputeContext context, Holder<?> h) {
        synchronized (REGISTRIES) {
            REGISTRIES.computeIfAbsent(context, c -> new Registry()).add(h);
        }
    }

    /**
     * Empties every holder made under {@code context}, on every thread. Called by
     * {@link ComputeContext#close()} once nothing runs under the context any more.
     */
    public static void release(ComputeContext context) {
        Registry r;
        synchronized (REGISTRIES) {
            r = REGISTRIES.remove(context);
        }
        if (r != null) {
            for (WeakReference<Holder<?>> ref : r.holders) {
                Holder<?> h = ref.get();
                if (h != null) {
                    h.value = null;
                }
            }
        }
    }

    /** The values still held under {@code context} by live holders (for tests). */
    static List<Object> values(ComputeContext context) {
        List<Object> out = new ArrayList<>();
        synchronized (REGISTRIES) {
            Registry r = REGISTRIES.get(context);
            if (r != null) {
                for (WeakReference<Holder<?>> ref : r.holders) {
                    Holder<?> h = ref.get();
                    if (h != null && h.value != null) {
                        out.add(h.value);
                    }
                }
            }
        }
        return out;
    }
}
