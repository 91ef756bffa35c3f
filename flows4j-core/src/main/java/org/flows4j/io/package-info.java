/**
 * Model files. {@link org.flows4j.io.SafeTensors} reads and writes named float32/float64 tensors in the
 * safetensors format, on disk (written through a temporary file and a rename) or in memory.
 */
package org.flows4j.io;
