/**
 * Data sets and preprocessing: seeded 2-D toy distributions ({@link org.flows4j.data.Toys}), numeric CSV
 * ({@link org.flows4j.data.CsvReader} into a {@link org.flows4j.data.Table}), IDX arrays as used by MNIST
 * ({@link org.flows4j.data.IdxReader}), seeded train/validation/test splits ({@link org.flows4j.data.Split}),
 * per-column standardization with its log-det ({@link org.flows4j.data.Standardizer}) and uniform
 * dequantization with bits-per-dimension ({@link org.flows4j.data.Dequantizer}). Readers are strict: bad
 * input fails with a message naming the source and the place.
 */
package org.flows4j.data;
