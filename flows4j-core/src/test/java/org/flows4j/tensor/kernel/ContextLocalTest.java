package org.flows4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flows4j.tensor.ComputeContext;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Rng;
import org.flows4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ContextLocalTest {
    /** Collects garbage until every reference is cleared, at most 50 times; returns how many remain. */
    private static long uncollected(List<WeakReference<float[]>> refs) throws InterruptedException {
        for (int i = 0; i < 50 && refs.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            Thread.sleep(20);
        }
        return refs.stream().filter(r -> r.get() != null).count();
    }

    /** Weak references to the non-empty float arrays among {@code values}. */
    private static List<WeakReference<float[]>> weakFloats(List<Object> values) {
        List<WeakReference<float[]>> refs = new ArrayList<>();
        for (Object o : values) {
            if (o instanceof float[] && ((float[]) o).length > 0) {
                refs.add(new WeakReference<>((float[]) o));
            }
        }
        return refs;
    }

    @Test
    void closingTheContextFreesTheArraysItsThreadsStillHold() throws Exception {
        ContextLocal<float[]> local = new ContextLocal<>(() -> new float[0]);
        ComputeContext ctx = ComputeContext.builder().threads(1).name("local-test").build();
        int threads = 4;
        List<WeakReference<float[]>> refs = new ArrayList<>();
        CountDownLatch filled = new CountDownLatch(threads);
        CountDownLatch finish = new CountDownLatch(1);
        List<Thread> holders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                ctx.run(() -> {
                    float[] a = new float[1 << 16];
                    local.set(a);
                    assertSame(a, local.get());
                    synchronized (refs) {
                        refs.add(new WeakReference<>(a));
                    }
                });
                filled.countDown();
                try {
                    finish.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            th.start();
            holders.add(th);
        }
        try {
            assertTrue(filled.await(30, TimeUnit.SECONDS));
            assertEquals(threads, ContextLocal.values(ctx).size());
            // While the context is open, its threads' thread-locals keep the arrays alive.
            assertEquals(threads, uncollected(refs));
            ctx.close();
            assertEquals(List.of(), ContextLocal.values(ctx));
            assertEquals(0, uncollected(refs), "arrays of a closed context are still reachable");
        } finally {
            finish.countDown();
            for (Thread th : holders) {
                th.join(30_000);
            }
        }
    }

    @Test
    void aValueBelongsToTheContextItWasMadeUnder() {
        ContextLocal<float[]> local = new ContextLocal<>(() -> new float[1]);
        ComputeContext b = ComputeContext.builder().threads(1).build();
        try (ComputeContext a = ComputeContext.builder().threads(1).build()) {
            float[] inA = a.call(local::get);
            assertSame(inA, a.call(local::get));
            float[] inB = b.call(local::get);
            assertNotSame(inA, inB);
            float[] again = a.call(local::get);
            assertNotSame(inA, again, "a holder of another context must be replaced");
            b.close();
            assertEquals(List.of(), ContextLocal.values(b));
            assertTrue(ContextLocal.values(a).contains(again));
        }
    }

    @Test
    void theKernelsScratchIsReleasedWhenTheirContextCloses() throws Exception {
        Tensor x = Tensor.randn(new Rng(1), DType.FLOAT32, 256, 96);
        Tensor w = Tensor.randn(new Rng(2), DType.FLOAT64, 96, 80);
        ComputeContext ctx = ComputeContext.builder().threads(2).name("local-test-kernels").build();
        ctx.run(() -> {
            MatMul.matmul(x, true, x, false);
            MatMul.matmul(x.to(DType.FLOAT64), w);
        });
        assertFalse(ContextLocal.values(ctx).isEmpty(), "the matrix kernels kept no scratch under the context");
        List<WeakReference<float[]>> floatRefs = weakFloats(ContextLocal.values(ctx));
        assertFalse(floatRefs.isEmpty());
        ctx.close();
        assertEquals(List.of(), ContextLocal.values(ctx));
        assertEquals(0, uncollected(floatRefs), "a packing buffer of a closed context is still reachable");
    }
}
