package org.flows4j.tensor;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.flows4j.tensor.kernel.ContextLocal;

/**
 * The threads and scratch memory the kernels compute with: a fixed number of kernel threads, how long an
 * idle one spins before it parks, whether they are daemon threads, and the per-thread scratch arrays
 * (packing buffers, im2col columns, hidden activations) handed out while it was current. A context is
 * closeable: {@link #close()} stops its threads and drops every scratch array it handed out, so a library
 * embedded in a server or an executor leaves nothing running and nothing large in thread-locals.
 *
 * <p><b>Which context a kernel uses.</b> {@link Parallel#forRange} and every kernel built on it run under
 * {@link #current()}: the context bound to the calling thread by {@link #run}/{@link #call}, else the
 * {@link #defaultContext() default context}. The default context is the one the command line uses; its
 * size comes from {@code -Dflows4j.threads} or the processor count and {@link Parallel#setThreads} changes
 * it. It cannot be closed.
 *
 * <p><b>How many threads compute.</b> A context of {@code t} threads starts {@code t - 1} workers (lazily,
 * at its first large kernel); the calling thread computes the first chunk itself. One caller at a time has
 * the workers; a kernel called from another thread while they are busy runs on that thread alone. So a
 * context adds at most {@code t - 1} busy threads to those that call into the library, and
 * <b>a context of {@code threads(1)} starts no thread at all</b>: every kernel runs on the calling thread.
 * That is the rule for executors: inside an executor (a Spark executor, a server's request pool) with
 * {@code N} task slots, have each task run under a 1-thread context (its own or one shared context), and
 * the library keeps at most {@code N} threads busy.
 *
 * <p><b>Spinning.</b> Handing a chunk to a worker must cost far less than a kernel (tens of
 * microseconds), so a worker polls its job slot for {@link #spinMicros()} after its last chunk before it
 * parks. The default, 200 microseconds, suits a training loop that calls kernels back to back; a server or
 * executor that computes in bursts should use {@code spinMicros(0)}: an idle worker then parks at once
 * after its chunk (a worker still stays awake while the call it took part in runs, to help with the
 * call's nested kernels).
 *
 * <p><b>Results</b> do not depend on the context: kernels split output rows only, so every output element
 * is computed by the same sequence of floating-point operations on 1 or {@code t} threads, in any context.
 *
 * <pre>{@code
 * try (ComputeContext ctx = ComputeContext.builder().threads(4).spinMicros(0).name("scoring").build()) {
 *     double[] logp = ctx.call(() -> model.logProb(rows));
 * }
 * }</pre>
 */
public final class ComputeContext implements AutoCloseable {
    /** Below this estimate of scalar operations a loop runs on the calling thread in one chunk. */
    static final long MIN_WORK = 1L << 15;
    /**
     * Polls of a worker's slot before a waiting caller starts yielding its core (tens of microseconds):
     * on a machine with more busy threads than cores, the worker may need the caller's core to finish.
     */
    static final int WAIT_SPINS = 1 << 12;
    /** The default spin time of an idle worker, in microseconds. */
    static final long DEFAULT_SPIN_MICROS = 200;

    private static final AtomicInteger CONTEXTS = new AtomicInteger();
    /** Threads that have a context bound right now; while 0, {@link #current()} needs no thread-local. */
    private static final AtomicInteger BINDINGS = new AtomicInteger();
    private static final ThreadLocal<ComputeContext> BOUND = new ThreadLocal<>();
    private static final ComputeContext DEFAULT = new ComputeContext("flows4j", initialThreads(),
            DEFAULT_SPIN_MICROS, true, true);

    private final String name;
    private final long spinMicros;
    private final boolean daemon;
    private final boolean isDefault;
    private final Object lock = new Object();
    private volatile int threads;
    private volatile Team team;
    private volatile boolean closed;
    /** Guarded by {@code lock}: calls of {@link #run}/{@link #call} in progress, and whether close has finished. */
    private int active;
    private boolean terminated;

    private ComputeContext(String name, int threads, long spinMicros, boolean daemon, boolean isDefault) {
        this.name = name;
        this.threads = threads;
        this.spinMicros = spinMicros;
        this.daemon = daemon;
        this.isDefault = isDefault;
    }

    /**
     * A builder of a new context: {@code threads} defaults to the number of available processors,
     * {@code spinMicros} to 200, {@code daemon} to true, {@code name} to {@code flows4j-context-<n>}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a new {@link ComputeContext}. */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private long spinMicros = DEFAULT_SPIN_MICROS;
        private boolean daemon = true;
        private String name;

        private Builder() {
        }

        /**
         * The number of threads that compute a kernel, the caller included: {@code n - 1} workers are
         * started; with 1, none.
         *
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("ComputeContext: threads must be at least 1, got " + n);
            }
            threads = n;
            return this;
        }

        /**
         * How long an idle worker polls for its next chunk before it parks, in microseconds; 0 parks at once.
         *
         * @throws IllegalArgumentException if {@code us < 0}
         */
        public Builder spinMicros(long us) {
            if (us < 0) {
                throw new IllegalArgumentException("ComputeContext: spinMicros must be >= 0, got " + us);
            }
            spinMicros = us;
            return this;
        }

        /** Whether the workers are daemon threads (which do not keep the JVM alive). */
        public Builder daemon(boolean d) {
            daemon = d;
            return this;
        }

        /**
         * The context's name, used in error messages and as the prefix of its workers' names
         * ({@code <prefix>-kernel-<i>}).
         *
         * @throws IllegalArgumentException if {@code prefix} is blank
         */
        public Builder name(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isBlank()) {
                throw new IllegalArgumentException("ComputeContext: name must not be blank");
            }
            name = prefix;
            return this;
        }

        /** A new open context; its workers start at its first kernel large enough to split. */
        public ComputeContext build() {
            String n = name != null ? name : "flows4j-context-" + CONTEXTS.incrementAndGet();
            return new ComputeContext(n, threads, spinMicros, daemon, false);
        }
    }

    private static int initialThreads() {
        String p = System.getProperty("flows4j.threads");
        if (p != null) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("flows4j.threads must be a positive integer, got '" + p + "'", e);
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * The process-wide context: sized by {@code -Dflows4j.threads} or the processor count, resized by
     * {@link Parallel#setThreads}, 200 microseconds of spinning, daemon workers named
     * {@code flows4j-kernel-<i>}. It is what the command line uses, and what kernels use on a thread with no
     * bound context.
     */
    public static ComputeContext defaultContext() {
        return DEFAULT;
    }

    /**
     * The context bound to the calling thread by {@link #run} or {@link #call}; on a context's worker
     * thread, that context; otherwise the default context.
     */
    public static ComputeContext current() {
        if (BINDINGS.get() != 0) {
            ComputeContext bound = BOUND.get();
            if (bound != null) {
                return bound;
            }
        }
        Thread self = Thread.currentThread();
        if (self instanceof Worker) {
            return ((Worker) self).team.context;
        }
        return DEFAULT;
    }

    /**
     * Runs {@code body} on the calling thread with this context bound to it, so that the kernels it calls
     * use this context's threads and scratch. Calls nest: the previous binding is restored afterwards.
     *
     * @throws IllegalStateException if this context is closed
     */
    public void run(Runnable body) {
        Objects.requireNonNull(body, "body");
        call(() -> {
            body.run();
            return null;
        });
    }

    /**
     * {@link #run} for a body with a result.
     *
     * @throws IllegalStateException if this context is closed
     */
    public <T> T call(Supplier<T> body) {
        Objects.requireNonNull(body, "body");
        synchronized (lock) {
            if (closed) {
                throw closedException();
            }
            active++;
        }
        ComputeContext previous = BOUND.get();
        BOUND.set(this);
        BINDINGS.incrementAndGet();
        try {
            return body.get();
        } finally {
            BINDINGS.decrementAndGet();
            if (previous == null) {
                BOUND.remove();
            } else {
                BOUND.set(previous);
            }
            synchronized (lock) {
                if (--active == 0) {
                    lock.notifyAll();
                }
            }
        }
    }

    /** The number of threads a kernel may use, the caller's included. */
    public int threads() {
        return threads;
    }

    /** How long an idle worker spins before it parks, in microseconds. */
    public long spinMicros() {
        return spinMicros;
    }

    /** Whether the workers are daemon threads. */
    public boolean isDaemon() {
        return daemon;
    }

    /** The context's name, the prefix of its workers' names. */
    public String name() {
        return name;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the context: new {@link #run}/{@link #call}s are refused at once; then it waits for the ones in
     * progress on other threads to return, stops its workers and releases every scratch array it handed
     * out (no thread-local keeps one afterwards). Closing again does nothing (a second caller waits until
     * the first has finished).
     *
     * @throws UnsupportedOperationException on the default context, which stays open for the whole process
     * @throws IllegalStateException when called from inside this context's own {@code run} (it would wait
     *     for itself)
     */
    @Override
    public void close() {
        if (isDefault) {
            throw new UnsupportedOperationException("the default compute context cannot be closed; "
                    + "Parallel.setThreads resizes it");
        }
        if (BOUND.get() == this || Thread.currentThread() instanceof Worker
                && ((Worker) Thread.currentThread()).team.context == this) {
            throw new IllegalStateException("compute context '" + name + "' cannot be closed from inside its own call");
        }
        boolean interrupted = false;
        boolean first;
        Team stopping = null;
        synchronized (lock) {
            first = !closed;
            closed = true;
            while (first ? active > 0 : !terminated) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (first) {
                stopping = team;
                team = null;
            }
        }
        if (first) {
            if (stopping != null) {
                stopping.shutdown();
            }
            ContextLocal.release(this);
            synchronized (lock) {
                terminated = true;
                lock.notifyAll();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ComputeContext[" + name + ", threads=" + threads + ", spinMicros=" + spinMicros
                + (closed ? ", closed" : "") + "]";
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("compute context '" + name + "' is closed");
    }

    /** Changes the thread count (the default context, through {@link Parallel#setThreads}). */
    void resize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + n);
        }
        Team old;
        synchronized (lock) {
            if (n == threads) {
                return;
            }
            threads = n;
            old = team;
            team = null;
        }
        if (old != null) {
            old.shutdown();
        }
    }

    /** The worker threads started so far (0 before the first split kernel and after close). */
    int startedWorkers() {
        Team t = team;
        return t == null ? 0 : t.size();
    }

    /** {@link Parallel#forRange} under the current context. */
    static void forRange(int n, long work, Parallel.RangeBody body) {
        if (n < 2 || work < MIN_WORK) {
            body.run(0, n);
            return;
        }
        Thread self = Thread.currentThread();
        if (self instanceof Worker) {
            ((Worker) self).team.split(n, body);
            return;
        }
        ComputeContext ctx = DEFAULT;
        if (BINDINGS.get() != 0) {
            ComputeContext bound = BOUND.get();
            if (bound != null) {
                ctx = bound;
            }
        }
        ctx.split(self, n, body);
    }

    private void split(Thread self, int n, Parallel.RangeBody body) {
        int t = threads;
        if (t == 1) {
            body.run(0, n);
            return;
        }
        Team workers = team;
        if (workers != null && workers.owner == self) {
            workers.split(n, body);
            return;
        }
        if (workers == null) {
            workers = team(t);
        }
        if (workers.size() != t - 1 || !workers.busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        workers.owner = self;
        try {
            workers.run(n, Math.min(t, n), body);
        } finally {
            workers.owner = null;
            workers.busy.set(false);
        }
    }

    private Team team(int t) {
        synchronized (lock) {
            if (closed) {
                throw closedException();
            }
            Team current = team;
            if (current == null) {
                current = new Team(this, t - 1);
                team = current;
            }
            return current;
        }
    }

    /**
     * The upper half of a nested call, offered to an idle thread of the team. {@code state} goes from
     * OFFERED to TAKEN (a helper) or to CANCELLED (the offering thread, which then runs it); a helper
     * sets DONE after the body, whose writes it publishes with that volatile write.
     */
    private static final class HelpJob {
        static final int OFFERED = 0;
        static final int TAKEN = 1;
        static final int CANCELLED = 2;
        static final int DONE = 3;

        final Parallel.RangeBody body;
        final int from;
        final int to;
        final AtomicInteger state = new AtomicInteger(OFFERED);
        Throwable error;

        HelpJob(Parallel.RangeBody body, int from, int to) {
            this.body = body;
            this.from = from;
            this.to = to;
        }

        /** Runs the job if no one has claimed it yet (clearing {@code slot}); returns whether this thread ran it. */
        boolean tryHelp(AtomicReference<HelpJob> slot) {
            if (!state.compareAndSet(OFFERED, TAKEN)) {
                return false;
            }
            slot.compareAndSet(this, null);
            try {
                body.run(from, to);
            } catch (Throwable e) {
                error = e;
            }
            state.set(DONE);
            return true;
        }
    }

    /** One wait of a thread polling for another's result: spin for {@link #WAIT_SPINS} polls, then yield the core. */
    private static void backOff(int spins) {
        if (spins < WAIT_SPINS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    private static void rethrow(Throwable first) {
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first instanceof Error) {
            throw (Error) first;
        }
    }

    /** The worker threads of one pool size, and the flag that gives one caller at a time their use. */
    private static final class Team {
        final ComputeContext context;
        final AtomicBoolean busy = new AtomicBoolean();
        /** The thread whose call holds the workers, or null. */
        volatile Thread owner;
        /** Calls run so far; a worker given a chunk of the current one stays awake until it ends. */
        volatile long calls;
        /** The offered half of a nested call, or null; see {@link HelpJob}. */
        final AtomicReference<HelpJob> help = new AtomicReference<>();
        final long spinNanos;
        private final Worker[] workers;

        Team(ComputeContext context, int size) {
            this.context = context;
            this.spinNanos = context.spinMicros * 1000;
            workers = new Worker[size];
            String prefix = context.name + "-kernel-";
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker(prefix + (i + 1), this);
                workers[i].setDaemon(context.daemon);
                workers[i].start();
            }
        }

        /**
         * A call from inside a chunk of this team's current call: offers {@code [n/2, n)} to an idle
         * thread and runs {@code [0, n/2)}, then the offered half too unless a helper took it (then it
         * waits for the helper). Only one half is on offer at a time; when the slot is taken, or no
         * thread is idle, the call runs serially.
         */
        void split(int n, Parallel.RangeBody body) {
            if (owner == null) {
                body.run(0, n);
                return;
            }
            int mid = n / 2;
            HelpJob job = new HelpJob(body, mid, n);
            if (!help.compareAndSet(null, job)) {
                body.run(0, n);
                return;
            }
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                    break;
                }
            }
            Throwable first = null;
            try {
                body.run(0, mid);
            } catch (RuntimeException | Error e) {
                first = e;
            } finally {
                help.compareAndSet(job, null);
                if (!job.state.compareAndSet(HelpJob.OFFERED, HelpJob.CANCELLED)) {
                    for (int spins = 1; job.state.get() != HelpJob.DONE; spins++) {
                        backOff(spins);
                    }
                    if (first == null) {
                        first = job.error;
                    }
                } else if (first == null) {
                    body.run(mid, n);
                }
            }
            rethrow(first);
        }

        /** Runs the offered help job, if there is one and no one else has claimed it; returns whether it did. */
        boolean helpOnce() {
            HelpJob job = help.get();
            return job != null && job.tryHelp(help);
        }

        int size() {
            return workers.length;
        }

        void run(int n, int chunks, Parallel.RangeBody body) {
            long call = ++calls;
            for (int c = 1; c < chunks; c++) {
                workers[c - 1].call = call;
                workers[c - 1].post(body, (int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
            }
            Throwable first = null;
            try {
                body.run(0, (int) ((long) n / chunks));
            } catch (RuntimeException | Error e) {
                first = e;
            }
            for (int c = 1; c < chunks; c++) {
                Throwable e = workers[c - 1].await();
                if (first == null) {
                    first = e;
                }
            }
            rethrow(first);
        }

        /**
         * Waits for the caller using the workers (if any) to finish, then stops them and waits for them to
         * exit; the team stays busy for good.
         */
        void shutdown() {
            while (!busy.compareAndSet(false, true)) {
                Thread.onSpinWait();
            }
            for (Worker w : workers) {
                w.stopAfterCurrentJob();
            }
            boolean interrupted = false;
            for (Worker w : workers) {
                while (w.isAlive() && w != Thread.currentThread()) {
                    try {
                        w.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A kernel thread with one job slot. {@code posted} and {@code done} count jobs; the plain fields
     * of a job are written before the volatile {@code posted} and read after it, and the job's
     * results (array writes, {@code error}) before the volatile {@code done}, so each side sees the
     * other's writes.
     */
    private static final class Worker extends Thread {
        final Team team;
        /** The team call of this worker's latest chunk (written before {@code posted}). */
        long call;
        private volatile long posted;
        private volatile long done;
        private volatile boolean parked;
        private volatile boolean stopping;
        private Parallel.RangeBody body;
        private int from;
        private int to;
        private Throwable error;

        Worker(String name, Team team) {
            super(name);
            this.team = team;
        }

        void post(Parallel.RangeBody b, int f, int t) {
            body = b;
            from = f;
            to = t;
            error = null;
            posted = posted + 1;
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        Throwable await() {
            long target = posted;
            for (int spins = 1; done != target; spins++) {
                team.helpOnce();
                backOff(spins);
            }
            Throwable e = error;
            body = null;
            return e;
        }

        void stopAfterCurrentJob() {
            stopping = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long seen = 0;
            long spinNanos = team.spinNanos;
            int checkMask = spinNanos == 0 ? 0 : 63;
            while (true) {
                long deadline = System.nanoTime() + spinNanos;
                int spins = 0;
                while (posted == seen && !stopping) {
                    if (team.helpOnce()) {
                        deadline = System.nanoTime() + spinNanos;
                    }
                    Thread.onSpinWait();
                    if ((++spins & checkMask) == 0 && (team.owner == null || call != team.calls)
                            && System.nanoTime() >= deadline) {
                        parked = true;
                        if (posted == seen && !stopping && team.help.get() == null) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                if (stopping && posted == seen) {
                    return;
                }
                seen = posted;
                try {
                    body.run(from, to);
                } catch (Throwable e) {
                    error = e;
                }
                done = seen;
            }
        }
    }
}
