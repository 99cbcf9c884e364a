package dev.kiln.runtime.train;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.io.SafeTensors;
import dev.kiln.runtime.io.Tensor;
import dev.kiln.runtime.io.Weights;
import dev.kiln.runtime.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Training checkpoints: a model's parameters, its optimizer's state and the epoch, in one safetensors
 * file written atomically, from which training continues exactly, bit for bit, as if it had never stopped:
 * <pre>{@code
 * trainer.callback(Checkpoints.callback(Path.of("run.safetensors")));   // saved after every epoch
 * ...
 * KilnIris net = new KilnIris();
 * Adam adam = new Adam(0.01f);                                          // same kind and hyper-parameters
 * Checkpoint checkpoint = Checkpoints.restore(Path.of("run.safetensors"), net, adam);
 * Trainer.of(net).optimizer(adam).seed(42).epochs(100).initialEpoch(checkpoint.epoch()).fit(train);
 * }</pre>
 *
 * <p><b>The file.</b> The model's tensors under their {@link Model#parameterLayout()} names (as
 * {@link Weights} writes them), then each tensor of {@link Optimizer#state()} as {@code optimizer.<name>}
 * ({@code optimizer.exp_avg}, {@code optimizer.step}, ...; one dimension, as long as the state array).
 * The metadata: {@code format} = {@value #FORMAT}, {@code epoch} (epochs completed), {@code network} (the
 * spec's name), {@code optimizer} ({@link Optimizer#kind()}) and each hyper-parameter as
 * {@code optimizer.<name>} ({@code optimizer.learningRate}, ...), as {@link Optimizer#hyperparameters()}
 * writes them.
 */
public final class Checkpoints {

    /** The value of the {@code format} metadata entry. */
    public static final String FORMAT = "kiln-checkpoint-1";
    /** The prefix of the optimizer's tensors and hyper-parameters. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    private Checkpoints() {
    }

    /**
     * Saves the model's parameters, the optimizer's state and {@code epoch} to {@code path}, replacing any
     * file there atomically.
     *
     * @param epoch the epochs completed
     * @throws IOException if the file cannot be written; a previous file is then left as it was
     */
    public static void save(Path path, Model model, Optimizer optimizer, int epoch) throws IOException {
        Objects.requireNonNull(path, "path");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch = " + epoch + " must not be negative");
        }
        List<Tensor> tensors = new ArrayList<>(Weights.tensors(model));
        optimizer.state().forEach((name, values) ->
                tensors.add(Tensor.of(OPTIMIZER_PREFIX + name, values, values.length)));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("epoch", Integer.toString(epoch));
        metadata.put("network", model.spec().name());
        metadata.put("optimizer", optimizer.kind());
        optimizer.hyperparameters().forEach((name, value) -> metadata.put(OPTIMIZER_PREFIX + name, value));
        SafeTensors.write(path, tensors, metadata);
    }

    /**
     * Loads the checkpoint at {@code path} into {@code model} and {@code optimizer}: the parameters, the
     * optimizer's state and its learning rate. Either both change or, on any error, neither does.
     *
     * @param optimizer an optimizer of the kind that was saved, with the same hyper-parameters (the learning
     *                  rate apart: it is restored)
     * @return the epoch and the metadata
     * @throws IllegalArgumentException if the file is not a checkpoint, was saved for another kind of
     *     optimizer or other hyper-parameters (listing them), or its optimizer state does not fit
     * @throws dev.kiln.runtime.io.WeightsMismatchException if its tensors do not fit the model
     * @throws dev.kiln.runtime.io.SafeTensorsFormatException if it is not a well-formed safetensors file
     * @throws IOException if it cannot be read
     */
    public static Checkpoint restore(Path path, Model model, Optimizer optimizer) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        SafeTensors.Contents contents = SafeTensors.read(path);
        Map<String, String> metadata = contents.metadata();
        int epoch = epoch(path, metadata);
        String kind = metadata.get("optimizer");
        if (!optimizer.kind().equals(kind)) {
            throw new IllegalArgumentException(path + ": the checkpoint holds the state of " + kind + ", but the"
                    + " optimizer given is " + optimizer.kind() + "; restore into a new " + kind + " with the same"
                    + " hyper-parameters");
        }
        List<String> differences = new ArrayList<>();
        optimizer.hyperparameters().forEach((name, value) -> {
            String saved = metadata.get(OPTIMIZER_PREFIX + name);
            if (!name.equals("learningRate") && !value.equals(saved)) {
                differences.add(name + " is " + saved + " in the checkpoint, " + value + " here");
            }
        });
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(path + ": the optimizer's hyper-parameters differ from the"
                    + " checkpoint's, so training would not continue as it was: " + String.join("; ", differences)
                    + "; give the optimizer the checkpoint's values");
        }
        float learningRate = learningRate(path, metadata);
        List<Tensor> weights = new ArrayList<>();
        Map<String, float[]> state = new LinkedHashMap<>();
        for (Tensor tensor : contents.tensors()) {
            if (tensor.name().startsWith(OPTIMIZER_PREFIX)) {
                state.put(tensor.name().substring(OPTIMIZER_PREFIX.length()), tensor.toArray());
            } else {
                weights.add(tensor);
            }
        }
        Map<String, float[]> previous = optimizer.state();
        long parameters = Memory.floats(model.parameters());
        try {
            optimizer.restoreState(state, parameters);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": the optimizer's state does not fit: " + e.getMessage(), e);
        }
        try {
            Weights.load(model, weights);
        } catch (RuntimeException e) {
            optimizer.restoreState(previous, parameters);
            throw e;
        }
        optimizer.setLearningRate(learningRate);
        return new Checkpoint(epoch, metadata);
    }

    /**
     * A callback that saves a checkpoint to {@code path} after every epoch, replacing the previous one
     * atomically, so the file always holds the last finished epoch.
     */
    public static Callback callback(Path path) {
        return callback(path, 1);
    }

    /**
     * A callback that saves a checkpoint to {@code path} after every {@code every}-th epoch (epochs
     * {@code every, 2 every, ...}) and after the run's last epoch.
     *
     * @throws IllegalArgumentException if {@code every} is not positive
     */
    public static Callback callback(Path path, int every) {
        Objects.requireNonNull(path, "path");
        if (every < 1) {
            throw new IllegalArgumentException("every = " + every + " must be positive");
        }
        return new Callback() {
            @Override
            public void onEpochEnd(TrainingContext context) {
                int epoch = context.epoch();
                if (epoch % every == 0 || epoch == context.epochs() || context.stopRequested()) {
                    try {
                        save(path, context.model(), context.optimizer(), epoch);
                    } catch (IOException e) {
                        throw new UncheckedIOException("could not save the checkpoint of epoch " + epoch + " to "
                                + path + ": " + e.getMessage(), e);
                    }
                }
            }
        };
    }

    private static int epoch(Path path, Map<String, String> metadata) {
        String epoch = metadata.get("epoch");
        if (!FORMAT.equals(metadata.get("format")) || epoch == null) {
            throw new IllegalArgumentException(path + " is not a Kiln checkpoint (its metadata has no format "
                    + FORMAT + " and epoch); a file of weights alone loads with Weights.load");
        }
        try {
            int value = Integer.parseInt(epoch);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(path + ": the checkpoint's epoch '" + epoch + "' is not a whole number"
                + " of epochs");
    }

    private static float learningRate(Path path, Map<String, String> metadata) {
        String rate = metadata.get(OPTIMIZER_PREFIX + "learningRate");
        if (rate != null) {
            try {
                float value = Float.parseFloat(rate);
                if (value > 0 && !Float.isInfinite(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(path + ": the checkpoint's learning rate '" + rate + "' is not a"
                + " positive number");
    }
}
