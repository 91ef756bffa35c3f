package org.flows4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.flows4j.tensor.kernel.MatMul;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    private static final int N = BufferPool.MIN_ELEMENTS * 2;

    @Test
    void zerosAreZeroEvenWhenTheArrayIsReused() {
        BufferPool pool = new BufferPool();
        float[] first;
        try (BufferPool.Binding b = pool.bind()) {
            Tensor t = Tensor.zeros(DType.FLOAT32, 2, N / 2);
            first = t.floatData();
            Arrays.fill(first, Float.NaN);
        }
        pool.reclaim();
        try (BufferPool.Binding b = pool.bind()) {
            Tensor t = Tensor.zeros(DType.FLOAT32, 2, N / 2);
            assertSame(first, t.floatData(), "the reclaimed array was not reused");
            assertArrayEquals(new float[N], t.floatData());
            Tensor d = Tensor.zeros(DType.FLOAT64, N);
            Arrays.fill(d.doubleData(), 3.0);
            pool.reclaim();
            assertArrayEquals(new double[N], Tensor.zeros(DType.FLOAT64, N).doubleData());
        }
        assertEquals(2, pool.size());
    }

    @Test
    void arraysInUseAreNotHandedOutTwice() {
        BufferPool pool = new BufferPool();
        try (BufferPool.Binding b = pool.bind()) {
            Tensor a = Tensor.zeros(DType.FLOAT32, N);
            Tensor c = Tensor.zeros(DType.FLOAT32, N);
            assertNotSame(a.floatData(), c.floatData());
        }
        assertEquals(2, pool.size());
    }

    @Test
    void smallArraysAndUnboundThreadsAllocateAsUsual() {
        BufferPool pool = new BufferPool();
        try (BufferPool.Binding b = pool.bind()) {
            Tensor.zeros(DType.FLOAT32, BufferPool.MIN_ELEMENTS - 1);
        }
        Tensor.zeros(DType.FLOAT32, N);
        assertEquals(0, pool.size());
    }

    @Test
    void closingABindingRestoresTheOuterOne() {
        BufferPool outer = new BufferPool();
        BufferPool inner = new BufferPool();
        try (BufferPool.Binding b = outer.bind()) {
            try (BufferPool.Binding c = inner.bind()) {
                Tensor.zeros(DType.FLOAT32, N);
            }
            Tensor.zeros(DType.FLOAT32, N);
            Tensor.zeros(DType.FLOAT32, N);
        }
        assertEquals(1, inner.size());
        assertEquals(2, outer.size());
    }

    private static Object storage(Tensor t) {
        return t.dtype() == DType.FLOAT32 ? t.floatData() : t.doubleData();
    }

    @Test
    void productsIntoStaleScratchEqualProductsIntoFreshArrays() {
        Rng rng = new Rng(3);
        for (DType dtype : DType.values()) {
            Tensor a = Tensor.randn(rng, dtype, 96, 40);
            Tensor w = Tensor.randn(rng, dtype, 64, 40);
            Tensor expected = MatMul.matmul(a, false, w, true);
            Tensor expectedT = MatMul.matmul(a, true, a, false);
            BufferPool pool = new BufferPool();
            try (BufferPool.Binding b = pool.bind()) {
                Tensor.full(dtype, Double.NaN, 96, 64);
                Tensor.full(dtype, Double.NaN, 40, 40);
            }
            pool.reclaim();
            try (BufferPool.Binding b = pool.bind()) {
                assertArrayEquals(expected.toDoubleArray(), MatMul.matmul(a, false, w, true).toDoubleArray());
                assertArrayEquals(expectedT.toDoubleArray(), MatMul.matmul(a, true, a, false).toDoubleArray());
                Tensor copy = a.copy();
                assertArrayEquals(a.toDoubleArray(), copy.toDoubleArray());
                assertEquals(2, pool.size(), "a copy must be fresh storage, never a pool array");
                Tensor stale = Tensor.full(dtype, Double.NaN, 96, 40);
                pool.reclaim();
                Tensor scratchCopy = a.scratchCopy();
                assertArrayEquals(a.toDoubleArray(), scratchCopy.toDoubleArray());
                assertSame(storage(stale), storage(scratchCopy), "a scratch copy reuses the pool's array");
            }
        }
    }
}
