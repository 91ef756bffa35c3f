/** JMH micro-benchmarks of flows4j kernels and layers. */
package org.flows4j.bench;
