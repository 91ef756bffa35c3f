package org.flows4j.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernel thread pool. Large kernels split their outer loop into contiguous chunks, one per
 * thread; the calling thread runs the first chunk itself. The size defaults to the number of
 * available processors and is set with {@link #setThreads(int)} (or the system property
 * {@code flows4j.threads}).
 *
 * <p>Chunks split output rows only, so every output element is computed by the same sequence of
 * floating-point operations whatever the thread count: results are bit-identical for 1 or N
 * threads. A kernel called from inside a chunk splits only if another thread of the pool is idle:
 * it offers its upper half as a help job, which a thread that has finished its own chunk (the caller
 * waiting for the workers, or an idle worker) may take; if none has taken it by the time the offering
 * thread is done with its lower half, it runs the upper half itself. So when the chunks of a call take
 * unequal times (as training shards do on cores of unequal speed), the thread that finishes first
 * helps with the large kernels of the others. A worker given a chunk of a call keeps spinning (does not
 * park) until that call ends, so that it is awake to help; others park as usual, and an offer wakes one
 * parked worker. A kernel called while another thread's call holds the workers runs serially.
 *
 * <p>A training step calls hundreds of kernels of a few tens of microseconds each, so handing a chunk
 * to a worker must cost far less than that. The workers are plain daemon threads that own one job
 * slot each: the caller writes the chunk into the slot and bumps a sequence number; a worker spins on
 * its slot for about {@value #SPIN_MICROS} microseconds after its last chunk before it parks, and the
 * caller spins (then yields) until every worker has published its chunk as done. An executor's queue, futures and
 * park/unpark on every call cost more than the kernels themselves at these sizes.
 */
public final class Parallel {
    /** A body over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes indices {@code from} (inclusive) to {@code to} (exclusive). */
        void run(int from, int to);
    }

    /** How long an idle worker keeps polling its slot before it parks. */
    static final long SPIN_MICROS = 200;
    /**
     * Polls of a worker's slot before a waiting caller starts yielding its core (tens of microseconds):
     * on a machine with more busy threads than cores, the worker may need the caller's core to finish.
     */
    static final int WAIT_SPINS = 1 << 12;

    private static volatile int threads = initialThreads();
    private static volatile Team team;
    /**
     * The team whose call the current (non-worker) thread is running, if any. Looked up before
     * {@link #team(int)}, whose lock {@link #setThreads} holds while it waits for that very call to end.
     */
    private static final ThreadLocal<Team> HELD = new ThreadLocal<>();

    private Parallel() {
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

    /** Number of threads kernels may use. */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads kernels may use (at least 1). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + n);
        }
        if (n != threads) {
            threads = n;
            Team old = team;
            team = null;
            if (old != null) {
                old.shutdown();
            }
        }
    }

    private static Team team(int t) {
        Team current = team;
        if (current == null) {
            synchronized (Parallel.class) {
                current = team;
                if (current == null) {
                    current = new Team(t - 1);
                    team = current;
                }
            }
        }
        return current;
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into at most {@link #threads()} chunks when
     * {@code work} (an estimate of scalar operations in the whole loop) exceeds about 2^15;
     * otherwise runs it on the calling thread.
     */
    public static void forRange(int n, long work, RangeBody body) {
        int t = threads;
        if (t == 1 || n < 2 || work < (1L << 15)) {
            body.run(0, n);
            return;
        }
        Thread self = Thread.currentThread();
        if (self instanceof Worker) {
            ((Worker) self).team.split(n, body);
            return;
        }
        Team held = HELD.get();
        if (held != null) {
            held.split(n, body);
            return;
        }
        Team workers = team(t);
        if (workers.size() != t - 1 || !workers.busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        workers.owner = self;
        HELD.set(workers);
        try {
            workers.run(n, Math.min(t, n), body);
        } finally {
            HELD.remove();
            workers.owner = null;
            workers.busy.set(false);
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

        final RangeBody body;
        final int from;
        final int to;
        final AtomicInteger state = new AtomicInteger(OFFERED);
        Throwable error;

        HelpJob(RangeBody body, int from, int to) {
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

    /** The worker threads of one pool size, and the flag that gives one caller at a time their use. */
    private static final class Team {
        final AtomicBoolean busy = new AtomicBoolean();
        /** The thread whose call holds the workers, or null. */
        volatile Thread owner;
        /** Calls run so far; a worker given a chunk of the current one stays awake until it ends. */
        volatile long calls;
        /** The offered half of a nested call, or null; see {@link HelpJob}. */
        final AtomicReference<HelpJob> help = new AtomicReference<>();
        private final Worker[] workers;

        Team(int size) {
            workers = new Worker[size];
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker("flows4j-kernel-" + (i + 1), this);
                workers[i].start();
            }
        }

        /**
         * A call from inside a chunk of this team's current call: offers {@code [n/2, n)} to an idle
         * thread and runs {@code [0, n/2)}, then the offered half too unless a helper took it (then it
         * waits for the helper). Only one half is on offer at a time; when the slot is taken, or no
         * thread is idle, the call runs serially.
         */
        void split(int n, RangeBody body) {
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

        void run(int n, int chunks, RangeBody body) {
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

        private static void rethrow(Throwable first) {
            if (first instanceof RuntimeException) {
                throw (RuntimeException) first;
            }
            if (first instanceof Error) {
                throw (Error) first;
            }
        }

        /** Waits for the caller using the workers (if any) to finish, then stops them; the team stays busy for good. */
        void shutdown() {
            while (!busy.compareAndSet(false, true)) {
                Thread.onSpinWait();
            }
            for (Worker w : workers) {
                w.stopAfterCurrentJob();
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
        private RangeBody body;
        private int from;
        private int to;
        private Throwable error;

        Worker(String name, Team team) {
            super(name);
            this.team = team;
            setDaemon(true);
        }

        void post(RangeBody b, int f, int t) {
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
            while (true) {
                long deadline = System.nanoTime() + SPIN_MICROS * 1000;
                int spins = 0;
                while (posted == seen && !stopping) {
                    if (team.helpOnce()) {
                        deadline = System.nanoTime() + SPIN_MICROS * 1000;
                    }
                    Thread.onSpinWait();
                    if ((++spins & 63) == 0 && (team.owner == null || call != team.calls)
                            && System.nanoTime() > deadline) {
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
