package dev.masklab.model.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/**
 * Smooth L1 (Huber-like) loss of PyTorch's {@code F.smooth_l1_loss(input, target, beta)} as torchvision's detection
 * losses use it (beta = 1/9, reduction "sum"): per element with d = |input - target|,
 * {@code d < beta ? 0.5 * d^2 / beta : d - 0.5 * beta}; beta == 0 is plain L1. Built from differentiable DJL
 * operations because DJL's PyTorch engine has no smooth L1.
 */
public final class SmoothL1 {
    private SmoothL1() {}

    /** Elementwise loss, same shape as the inputs. */
    public static NDArray loss(NDArray input, NDArray target, float beta) {
        if (beta < 0) {
            throw new IllegalArgumentException("SmoothL1: beta must be >= 0, got " + beta);
        }
        NDArray diff = input.sub(target);
        NDArray abs = diff.abs();
        if (beta == 0f) {
            diff.close();
            return abs;
        }
        NDArray sq = diff.mul(diff);
        NDArray quadratic = Autograd.div(sq, 2f * beta); // not mul(Number)/div(Number): see Autograd.mul
        sq.close();
        NDArray linear = abs.sub(0.5f * beta);
        NDArray small = abs.lt(beta);
        NDArray out = NDArrays.where(small, quadratic, linear);
        small.close();
        return out;
    }

    /** Sum of the elementwise loss (reduction "sum"), a scalar. */
    public static NDArray sum(NDArray input, NDArray target, float beta) {
        NDArray l = loss(input, target, beta);
        NDArray s = l.sum();
        l.close();
        return s;
    }

    /** Plain-Java elementwise value (for checks and non-differentiable bookkeeping). */
    public static float value(float input, float target, float beta) {
        float d = Math.abs(input - target);
        return d < beta ? 0.5f * d * d / beta : d - 0.5f * beta;
    }
}
