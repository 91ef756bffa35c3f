package org.flows4j.autodiff;

/**
 * Per-thread switch for gradient recording. Inside a {@link #noGrad()} scope ops build no graph
 * and keep no intermediates, so inference and sampling cost only the arithmetic:
 *
 * <pre>{@code
 * try (GradMode.Scope s = GradMode.noGrad()) {
 *     Variable lp = flow.logProb(x);   // nothing recorded
 * }
 * }</pre>
 *
 * The switch is thread-local, so one thread's inference never affects another thread's training.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    /** A scope that restores the previous mode when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Whether ops on this thread record the graph. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Turns recording off on this thread until the returned scope is closed. */
    public static Scope noGrad() {
        return set(false);
    }

    /** Turns recording on on this thread until the returned scope is closed. */
    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean value) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = value;
        return () -> flag[0] = previous;
    }
}
