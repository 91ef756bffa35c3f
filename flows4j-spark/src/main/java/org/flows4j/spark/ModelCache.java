package org.flows4j.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.flows4j.flows.FlowModel;
import org.flows4j.io.ModelFile;

/**
 * The flows decoded in this JVM from broadcast model files, keyed by broadcast id: each executor JVM decodes a
 * broadcast {@code .flow} file once and every task of that JVM shares the {@link FlowModel} (safe for concurrent
 * {@code logProb} and {@code sample}). The last {@value #KEEP} models are kept, the least recently used dropped.
 */
final class ModelCache {
    /** Decoded models kept per JVM. */
    static final int KEEP = 8;

    private static final Map<Long, FlowModel> MODELS = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, FlowModel> eldest) {
            return size() > KEEP;
        }
    };

    private ModelCache() {
    }

    /** The model of the broadcast file {@code bytes}, decoded on first use in this JVM. */
    static FlowModel get(Broadcast<byte[]> bytes) {
        synchronized (MODELS) {
            FlowModel m = MODELS.get(bytes.id());
            if (m == null) {
                m = ModelFile.decode(bytes.value(), "broadcast model " + bytes.id());
                MODELS.put(bytes.id(), m);
            }
            return m;
        }
    }
}
