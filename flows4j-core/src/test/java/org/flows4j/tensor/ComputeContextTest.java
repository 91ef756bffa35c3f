package org.flows4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.flows4j.tensor.kernel.MatMul;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ComputeContextTest {
    private static final long BIG = 1L << 20;
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** Live threads whose name starts with {@code prefix + "-"}. */
    private static List<Thread> threadsNamed(String prefix) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix + "-")) {
                out.add(t);
            }
        }
        return out;
    }

    /** A loop large enough to split, recording which threads ran its chunks. */
    private static Set<Thread> splitLoop(int n) {
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        double[] out = new double[n];
        Parallel.forRange(n, BIG, (from, to) -> {
            ran.add(Thread.currentThread());
            for (int i = from; i < to; i++) {
                double s = 0;
                for (int j = 0; j < 2000; j++) {
                    s += Math.sin(i + j);
                }
                out[i] = s;
            }
        });
        return ran;
    }

    /** Waits (up to 10 s) until {@code done} holds. */
    private static boolean eventually(java.util.function.BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 1000 && !done.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        return done.getAsBoolean();
    }

    @Test
    void aOneThreadContextStartsNoThreadAndRunsEveryChunkOnTheCaller() throws Exception {
        try (ComputeContext one = ComputeContext.builder().threads(1).name("ctx-test-one").build();
             ComputeContext three = ComputeContext.builder().threads(3).name("ctx-test-three").build()) {
            Thread[] callers = new Thread[4];
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int c = 0; c < callers.length; c++) {
                callers[c] = new Thread(() -> {
                    try {
                        Set<Thread> ran = one.call(() -> splitLoop(500));
                        assertEquals(Set.of(Thread.currentThread()), ran);
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                callers[c].start();
            }
            for (Thread t : callers) {
                t.join(60_000);
            }
            assertEquals(null, failure.get());
            assertEquals(0, one.startedWorkers());
            assertEquals(List.of(), threadsNamed("ctx-test-one"));
            // The same loop under a 3-thread context does start its two workers.
            Set<Thread> ran = three.call(() -> splitLoop(500));
            assertEquals(2, threadsNamed("ctx-test-three").size());
            assertEquals(3, ran.size());
        }
        assertTrue(eventually(() -> threadsNamed("ctx-test-three").isEmpty()), "workers outlived close()");
    }

    @Test
    void resultsAreTheSameUnderEveryContext() {
        double[] x = Tensor.randn(new Rng(8), DType.FLOAT64, 301 * 97).doubleData();
        java.util.function.Supplier<double[]> work = () -> {
            double[] out = new double[301];
            Parallel.forRange(301, BIG, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double s = 0;
                    for (int j = 0; j < 97; j++) {
                        s += Math.exp(Math.cos(x[i * 97 + j])) / (1 + j);
                    }
                    out[i] = s;
                }
            });
            return out;
        };
        double[] reference = work.get();
        for (int threads = 1; threads <= 4; threads++) {
            try (ComputeContext ctx = ComputeContext.builder().threads(threads).spinMicros(threads % 2 == 0 ? 0 : 50)
                    .build()) {
                assertArrayEquals(reference, ctx.call(work), threads + " threads");
            }
        }
    }

    @Test
    void idleWorkersOfAZeroSpinContextPark() throws Exception {
        try (ComputeContext parking = ComputeContext.builder().threads(3).spinMicros(0).name("ctx-test-park").build()) {
            parking.run(() -> splitLoop(300));
            List<Thread> workers = threadsNamed("ctx-test-park");
            assertEquals(2, workers.size());
            assertTrue(eventually(() -> workers.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.TIMED_WAITING)), "idle workers did not park");
        }
        // A context that spins for a minute keeps its idle worker running: the state above is the spin
        // time's doing, not the test's.
        try (ComputeContext spinning = ComputeContext.builder().threads(2).spinMicros(60_000_000L)
                .name("ctx-test-spin").build()) {
            spinning.run(() -> splitLoop(300));
            Thread worker = threadsNamed("ctx-test-spin").get(0);
            Thread.sleep(50);
            assertEquals(Thread.State.RUNNABLE, worker.getState());
        }
    }

    @Test
    void workersAreDaemonThreadsUnlessAskedOtherwise() throws Exception {
        try (ComputeContext daemons = ComputeContext.builder().threads(2).name("ctx-test-daemon").build();
             ComputeContext users = ComputeContext.builder().threads(2).daemon(false).name("ctx-test-user").build()) {
            daemons.run(() -> splitLoop(200));
            users.run(() -> splitLoop(200));
            assertTrue(daemons.isDaemon());
            assertFalse(users.isDaemon());
            assertTrue(threadsNamed("ctx-test-daemon").get(0).isDaemon());
            assertFalse(threadsNamed("ctx-test-user").get(0).isDaemon());
        }
        assertTrue(eventually(() -> threadsNamed("ctx-test-user").isEmpty()), "a non-daemon worker outlived close()");
    }

    @Test
    void aClosedContextRefusesUseNamingItselfAndClosesOnce() {
        ComputeContext ctx = ComputeContext.builder().threads(2).name("ctx-test-closed").build();
        ctx.run(() -> splitLoop(100));
        assertFalse(ctx.isClosed());
        ctx.close();
        assertTrue(ctx.isClosed());
        ctx.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ctx.run(() -> { }));
        assertTrue(e.getMessage().contains("ctx-test-closed"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> ctx.call(() -> 1));
        assertTrue(e.getMessage().contains("ctx-test-closed"), e.getMessage());
        assertEquals(0, ctx.startedWorkers());
        assertSame(ComputeContext.defaultContext(), ComputeContext.current());
    }

    @Test
    void closeWaitsForACallInProgressOnAnotherThread() throws Exception {
        ComputeContext ctx = ComputeContext.builder().threads(2).name("ctx-test-wait").build();
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger order = new AtomicInteger();
        int[] callEnded = new int[1];
        int[] closeReturned = new int[1];
        Thread caller = new Thread(() -> ctx.run(() -> {
            splitLoop(100);
            inCall.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            // Kernels of a call that runs on while the context closes still get new scratch.
            Tensor a = Tensor.randn(new Rng(3), DType.FLOAT32, 200, 64);
            MatMul.matmul(a, true, a, false);
            callEnded[0] = order.incrementAndGet();
        }));
        caller.start();
        assertTrue(inCall.await(30, TimeUnit.SECONDS));
        Thread closer = new Thread(() -> {
            ctx.close();
            closeReturned[0] = order.incrementAndGet();
        });
        closer.start();
        assertTrue(eventually(ctx::isClosed), "close() did not start");
        assertThrows(IllegalStateException.class, () -> ctx.run(() -> { }));
        assertTrue(closer.isAlive(), "close() returned while a call was running");
        release.countDown();
        caller.join(30_000);
        closer.join(30_000);
        assertFalse(closer.isAlive());
        assertEquals(1, callEnded[0], "the call did not finish first");
        assertEquals(2, closeReturned[0]);
        assertTrue(eventually(() -> threadsNamed("ctx-test-wait").isEmpty()));
    }

    @Test
    void closingFromInsideItsOwnCallIsRefused() {
        try (ComputeContext ctx = ComputeContext.builder().threads(1).name("ctx-test-self").build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ctx.run(ctx::close));
            assertTrue(e.getMessage().contains("ctx-test-self"), e.getMessage());
            assertFalse(ctx.isClosed());
        }
    }

    @Test
    void theDefaultContextCannotBeClosedAndFollowsSetThreads() {
        ComputeContext d = ComputeContext.defaultContext();
        assertThrows(UnsupportedOperationException.class, d::close);
        assertFalse(d.isClosed());
        Parallel.setThreads(3);
        assertEquals(3, d.threads());
        assertEquals(3, Parallel.threads());
        assertEquals(3, splitLoop(300).size());
        Parallel.setThreads(1);
        assertEquals(Set.of(Thread.currentThread()), splitLoop(300));
        assertEquals(200, d.spinMicros());
    }

    @Test
    void runBindsTheContextAndNestedRunsRestoreThePreviousOne() {
        ComputeContext d = ComputeContext.defaultContext();
        try (ComputeContext outer = ComputeContext.builder().threads(2).build();
             ComputeContext inner = ComputeContext.builder().threads(1).build()) {
            assertNotSame(outer, inner);
            assertSame(d, ComputeContext.current());
            outer.run(() -> {
                assertSame(outer, ComputeContext.current());
                assertEquals(7, (int) inner.call(() -> {
                    assertSame(inner, ComputeContext.current());
                    return 7;
                }));
                assertSame(outer, ComputeContext.current());
                assertThrows(ArithmeticException.class, () -> inner.run(() -> {
                    throw new ArithmeticException("inside");
                }));
                assertSame(outer, ComputeContext.current());
                // A worker's chunk sees the worker's context.
                Set<ComputeContext> seen = ConcurrentHashMap.newKeySet();
                Parallel.forRange(2, BIG, (from, to) -> seen.add(ComputeContext.current()));
                assertEquals(Set.of(outer), seen);
            });
            assertSame(d, ComputeContext.current());
        }
    }

    @Test
    void builderRejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> ComputeContext.builder().threads(0));
        assertThrows(IllegalArgumentException.class, () -> ComputeContext.builder().spinMicros(-1));
        assertThrows(IllegalArgumentException.class, () -> ComputeContext.builder().name(" "));
        ComputeContext ctx = ComputeContext.builder().threads(5).spinMicros(0).name("ctx-test-settings").build();
        assertEquals(5, ctx.threads());
        assertEquals(0, ctx.spinMicros());
        assertEquals("ctx-test-settings", ctx.name());
        ctx.close();
    }
}
