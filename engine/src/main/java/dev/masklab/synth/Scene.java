package dev.masklab.synth;

import java.util.List;

/** One synthetic image before rendering: its size, background and the objects in drawing order. */
public record Scene(int width, int height, Background background, List<SceneObject> objects) {}
