/**
 * Data sets in memory, their loading from CSV and IDX files, train/test splits, shuffled mini-batches,
 * augmentations of training batches ({@link dev.kiln.runtime.data.Augmentation}, made by
 * {@link dev.kiln.runtime.data.Augmentations}: random shifts and flips of images), and texts for
 * character-level language models ({@link dev.kiln.runtime.data.TextCorpus}, read in parallel streams by
 * {@link dev.kiln.runtime.data.TextStreams}).
 */
package dev.kiln.runtime.data;
