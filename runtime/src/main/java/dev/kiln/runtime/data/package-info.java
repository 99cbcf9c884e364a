/** Data sets in memory, their loading from CSV files, train/test splits and shuffled mini-batches. */
package dev.kiln.runtime.data;
