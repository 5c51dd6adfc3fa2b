package dev.masklab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum and L2 weight decay, with PyTorch's {@code torch.optim.SGD}
 * semantics (what torchvision's detection references train with): {@code d = grad + wd * p};
 * the momentum buffer starts as a copy of {@code d} and then becomes {@code momentum * buf + d};
 * {@code p -= lr * buf}. Weight decay applies to every trainable parameter, biases included, as in the
 * references' default.
 *
 * <p>DJL's own {@code ai.djl.training.optimizer.Sgd} is not used: it folds the learning rate into
 * the momentum buffer (MXNet semantics), which differs from PyTorch as soon as the rate changes during
 * warmup, and its state is not exposed for checkpoints.
 */
public final class SgdOptimizer {
    private final Map<String, NDArray> params;
    private final double momentum;
    private final double weightDecay;
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private final NDManager stateManager;

    /**
     * @param params trainable parameters by name (leaf arrays with gradients attached); kept by reference
     * @param stateManager owner of the momentum buffers
     */
    public SgdOptimizer(Map<String, NDArray> params, double momentum, double weightDecay, NDManager stateManager) {
        this.params = new LinkedHashMap<>(params);
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.stateManager = stateManager;
    }

    public Map<String, NDArray> parameters() {
        return params;
    }

    public double momentum() {
        return momentum;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** Sets every parameter's accumulated gradient to zero (overwrites NaN / inf too). */
    public void zeroGradients() {
        for (NDArray p : params.values()) {
            if (p.hasGradient()) {
                // set(index, Number) leaves its scalar array on the gradient's manager: pass one that is closed here
                try (NDArray g = p.getGradient();
                        NDArray zero = g.getManager().create(0f)) {
                    g.set(new NDIndex("..."), zero);
                }
            }
        }
    }

    /** Global L2 norm of all gradients (as {@code torch.nn.utils.clip_grad_norm_} computes it). */
    public double gradientNorm() {
        double sq = 0;
        for (NDArray p : params.values()) {
            if (p.hasGradient()) {
                try (NDArray g = p.getGradient();
                        NDArray sq2 = g.square();
                        NDArray s = sq2.sum()) {
                    sq += s.getFloat();
                }
            }
        }
        return Math.sqrt(sq);
    }

    /**
     * Scales the gradients so that their global norm is at most {@code maxNorm}, like
     * {@code clip_grad_norm_} (factor {@code maxNorm / (norm + 1e-6)} when below 1).
     *
     * @return the norm before clipping
     */
    public double clipGradientNorm(double maxNorm) {
        double norm = gradientNorm();
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (NDArray p : params.values()) {
                if (p.hasGradient()) {
                    try (NDArray g = p.getGradient()) {
                        g.muli((float) coef);
                    }
                }
            }
        }
        return norm;
    }

    /** One update with learning rate {@code lr}; parameters without a gradient are left alone. */
    public void step(double lr) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            if (!p.hasGradient()) {
                continue;
            }
            try (NDArray g = p.getGradient();
                    NDArray decay = p.mul((float) weightDecay);
                    NDArray d = weightDecay != 0 ? g.add(decay) : g.duplicate()) {
                NDArray buf = buffers.get(e.getKey());
                if (momentum != 0) {
                    if (buf == null) {
                        buf = d.duplicate();
                        buf.attach(stateManager);
                        buffers.put(e.getKey(), buf);
                    } else {
                        buf.muli((float) momentum).addi(d);
                    }
                    try (NDArray upd = buf.mul((float) lr)) {
                        p.subi(upd);
                    }
                } else {
                    try (NDArray upd = d.mul((float) lr)) {
                        p.subi(upd);
                    }
                }
            }
        }
    }

    /** Momentum buffers by parameter name (for checkpoints); absent until a parameter's first step. */
    public Map<String, NDArray> state() {
        return buffers;
    }

    /** Restores momentum buffers written by {@link #state()}; names not among the parameters are rejected. */
    public void loadState(Map<String, NDArray> state) {
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            NDArray p = params.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("optimizer state names unknown parameter '" + e.getKey() + "'");
            }
            if (!p.getShape().equals(e.getValue().getShape())) {
                throw new IllegalArgumentException("optimizer state for '" + e.getKey() + "' has shape "
                        + e.getValue().getShape() + ", parameter has " + p.getShape());
            }
            NDArray copy = e.getValue().duplicate();
            copy.attach(stateManager);
            NDArray old = buffers.put(e.getKey(), copy);
            if (old != null) {
                old.close();
            }
        }
    }
}
