package org.flows4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.flows4j.tensor.ComputeContext;
import org.flows4j.tensor.Parallel;
import org.junit.jupiter.api.Test;

/**
 * Inside a Spark task, flow work runs in a compute context of one thread, whatever the JVM's default context
 * says: with N task slots, at most N busy flows4j threads.
 */
class ExecutorComputeTest {
    @Test
    void taskWorkSeesAOneThreadContextEvenWhenTheDefaultHasMore() {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
            JavaRDD<Integer> parts = sc.parallelize(List.of(1, 2, 3, 4), 4);
            List<Integer> seen = parts.mapPartitions(it -> {
                List<Integer> out = new ArrayList<>();
                out.add(ExecutorCompute.run(() -> ComputeContext.current().threads()));
                out.add(ComputeContext.current().threads());
                return out.iterator();
            }).collect();
            assertEquals(List.of(1, 2, 1, 2, 1, 2, 1, 2), seen,
                    "threads seen inside ExecutorCompute.run, then outside it, per partition");
        } finally {
            Parallel.setThreads(before);
        }
    }
}
