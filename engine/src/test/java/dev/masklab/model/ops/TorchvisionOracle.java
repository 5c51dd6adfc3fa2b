package dev.masklab.model.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: runs a small Python snippet with /usr/bin/python3 (torch + torchvision) to get reference values on
 * the fly. The snippet reads its input as JSON from {@code inp} and assigns a JSON-serialisable {@code out}.
 * {@link #available()} is false where that interpreter or torchvision is missing; tests then rely on their direct
 * loops only.
 */
public final class TorchvisionOracle {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Boolean available;

    private TorchvisionOracle() {}

    public static synchronized boolean available() {
        if (available == null) {
            available = false;
            if (Files.isExecutable(PYTHON)) {
                try {
                    Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision")
                            .redirectErrorStream(true)
                            .start();
                    p.getInputStream().readAllBytes();
                    available = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
                } catch (IOException | InterruptedException e) {
                    available = false;
                }
            }
        }
        return available;
    }

    /** Runs {@code body} (Python, may use torch, torchvision, inp) and returns its {@code out} as JSON. */
    public static JsonNode run(String body, Object input) throws Exception {
        String script = "import sys, json, torch, torchvision\n"
                + "torch.set_num_threads(1)\n"
                + "inp = json.loads(sys.stdin.read())\n"
                + body + "\n"
                + "sys.stdout.write(json.dumps(out))\n";
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", script).start();
        p.getOutputStream().write(JSON.writeValueAsBytes(input));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("torchvision oracle failed: " + err);
        }
        return JSON.readTree(out);
    }

    public static float[] floats(JsonNode n) {
        float[] f = new float[n.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) n.get(i).asDouble();
        }
        return f;
    }

    public static int[] ints(JsonNode n) {
        int[] f = new int[n.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = n.get(i).asInt();
        }
        return f;
    }
}
