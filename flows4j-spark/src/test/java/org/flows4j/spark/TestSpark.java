package org.flows4j.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one local[2] Spark session of this module's tests, started by the first test that asks for it and shared
 * by all test classes of the run (surefire runs them in one JVM); Spark stops it when the JVM exits.
 */
final class TestSpark {
    private static SparkSession session;

    private TestSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("flows4j-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.default.parallelism", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
        }
        return session;
    }
}
