/**
 * Data sets in memory, their loading from CSV and IDX files, train/test splits, shuffled mini-batches, and
 * augmentations of training batches ({@link dev.kiln.runtime.data.Augmentation}, made by
 * {@link dev.kiln.runtime.data.Augmentations}: random shifts and flips of images).
 */
package dev.kiln.runtime.data;
