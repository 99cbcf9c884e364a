/**
 * Hyper-parameter search: a {@link dev.kiln.runtime.tune.SearchSpace} of named
 * {@link dev.kiln.runtime.tune.Dimension}s, searched by {@link dev.kiln.runtime.tune.GridSearch} (every
 * combination) or {@link dev.kiln.runtime.tune.RandomSearch} (seeded draws), each
 * {@link dev.kiln.runtime.tune.Configuration} measured by an {@link dev.kiln.runtime.tune.Objective}
 * (user code, or {@link dev.kiln.runtime.tune.ClassificationObjective}, which builds the network through
 * the fluent builder and trains it in the interpreter), and the trials gathered in a
 * {@link dev.kiln.runtime.tune.SearchResult}: the best configuration, a table and a CSV file.
 */
package dev.kiln.runtime.tune;
