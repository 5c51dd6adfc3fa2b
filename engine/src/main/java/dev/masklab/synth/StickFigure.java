package dev.masklab.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A mannequin drawn as filled limbs: a head disc, a neck, a torso quad and eight limb capsules (upper/lower arms and
 * legs). Its 17 keypoints follow COCO's person order; every keypoint lies on the centre line of a limb or inside the
 * head disc, so a keypoint is always inside the figure's own mask. "left" is the figure's left, which is the image's
 * right for a figure facing the camera, as in COCO.
 *
 * @param polygons  the limb polygons (not yet clipped to the image)
 * @param keypoints 17 (x, y) pairs in image coordinates
 */
record StickFigure(List<double[]> polygons, double[] keypoints) {

    /**
     * Builds a random pose. {@code height} is the head-top to ankle height in pixels, {@code tilt} rotates the whole
     * figure (radians) around its centre (cx, cy).
     */
    static StickFigure random(SplittableRandom rng, double cx, double cy, double height, double tilt) {
        double u = height / 8.0; // one "head unit"
        double limbR = Math.max(2.5, 0.26 * u); // limb half-width, >= 2.5 px so joints stay inside the mask
        double legR = Math.max(2.5, 0.32 * u);
        double headR = Math.max(3.5, 0.55 * u);
        double[] kp = new double[34];
        // head: nose, eyes, ears (figure facing the camera, its left on the image's right)
        double hy = -3.45 * u;
        set(kp, 0, 0, hy + 0.15 * headR);
        set(kp, 1, 0.38 * headR, hy - 0.2 * headR);
        set(kp, 2, -0.38 * headR, hy - 0.2 * headR);
        set(kp, 3, 0.8 * headR, hy);
        set(kp, 4, -0.8 * headR, hy);
        double shoulderY = -2.5 * u, shoulderX = 0.95 * u;
        set(kp, 5, shoulderX, shoulderY);
        set(kp, 6, -shoulderX, shoulderY);
        double hipY = 0.2 * u, hipX = 0.55 * u;
        set(kp, 11, hipX, hipY);
        set(kp, 12, -hipX, hipY);
        // arms: angle measured from straight down, positive = away from the body
        for (int side = 0; side < 2; side++) {
            double sign = side == 0 ? 1 : -1; // left (image right) then right
            double upper = StrictMath.toRadians(rng.nextDouble(-20, 150));
            double bend = StrictMath.toRadians(rng.nextDouble(-10, 110));
            double[] s = {kp[2 * (5 + side)], kp[2 * (5 + side) + 1]};
            double[] e = limb(s, 1.45 * u, sign, upper);
            double[] w = limb(e, 1.3 * u, sign, upper + bend);
            set(kp, 7 + side, e[0], e[1]);
            set(kp, 9 + side, w[0], w[1]);
            double thigh = StrictMath.toRadians(rng.nextDouble(-8, 35));
            double knee = StrictMath.toRadians(rng.nextDouble(-35, 25));
            double[] h = {kp[2 * (11 + side)], kp[2 * (11 + side) + 1]};
            double[] k = limb(h, 1.9 * u, sign, thigh);
            double[] a = limb(k, 1.75 * u, sign, thigh + knee);
            set(kp, 13 + side, k[0], k[1]);
            set(kp, 15 + side, a[0], a[1]);
        }
        List<double[]> local = new ArrayList<>();
        local.add(Polygons.regular(0, hy, headR, headR, Math.max(12, Math.min(28, (int) Math.round(headR * 2))), 0));
        local.add(Polygons.capsule(0, hy + headR * 0.5, 0, shoulderY, Math.max(2.5, 0.22 * u), 3)); // neck
        local.add(new double[] { // torso
            shoulderX + 0.1 * u,
            shoulderY - 0.15 * u,
            hipX + 0.1 * u,
            hipY + 0.2 * u,
            -hipX - 0.1 * u,
            hipY + 0.2 * u,
            -shoulderX - 0.1 * u,
            shoulderY - 0.15 * u
        });
        int[][] limbs = {{5, 7}, {7, 9}, {6, 8}, {8, 10}, {11, 13}, {13, 15}, {12, 14}, {14, 16}};
        for (int[] l : limbs) {
            double r = l[0] >= 11 ? legR : limbR;
            local.add(Polygons.capsule(kp[2 * l[0]], kp[2 * l[0] + 1], kp[2 * l[1]], kp[2 * l[1] + 1], r, 4));
        }
        double cos = StrictMath.cos(tilt), sin = StrictMath.sin(tilt);
        List<double[]> polygons = new ArrayList<>();
        for (double[] p : local) polygons.add(Polygons.affine(p, cos, -sin, sin, cos, cx, cy));
        return new StickFigure(polygons, Polygons.affine(kp, cos, -sin, sin, cos, cx, cy));
    }

    private static double[] limb(double[] from, double length, double sign, double angleFromDown) {
        return new double[] {
            from[0] + sign * length * StrictMath.sin(angleFromDown), from[1] + length * StrictMath.cos(angleFromDown)
        };
    }

    private static void set(double[] kp, int i, double x, double y) {
        kp[2 * i] = x;
        kp[2 * i + 1] = y;
    }
}
