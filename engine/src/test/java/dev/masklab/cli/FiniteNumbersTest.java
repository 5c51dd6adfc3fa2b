package dev.masklab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** NaN and infinite values of every number option are refused naming the option, before anything runs. */
class FiniteNumbersTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({
        "train,--lr,NaN",
        "train,--lr,Infinity",
        "train,--clip-grad,-Infinity",
        "train,--bn-eps,NaN",
        "train,--bn-eps,1e60",
        "predict,--score-threshold,NaN",
        "generate,--val-fraction,NaN",
        "generate,--objects-per-image,Infinity",
        "generate,--jpeg-quality,NaN"
    })
    void nonFiniteOptionValuesAreRefused(String command, String option, String value) {
        Path out = tmp.resolve("out");
        String[] args = switch (command) {
            case "train" ->
                new String[] {
                    "train",
                    "--dataset",
                    "d.json",
                    "--arch",
                    "maskrcnn_resnet50_fpn",
                    "--out",
                    out.toString(),
                    option,
                    value
                };
            case "predict" ->
                new String[] {
                    "predict", "--weights", "w.pth", "--dataset", "d.json", "--out", out.toString(), option, value
                };
            default -> new String[] {"generate", "--out", out.toString(), "--images", "1", option, value};
        };
        ConvertCommandTest.Run r = ConvertCommandTest.run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("'" + option + "'") && r.err().contains(value), r.err());
        assertFalse(Files.exists(out), "nothing ran");
    }

    @Test
    void aNanLearningRateIsNotTakenAsNotSet() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TrainingConfig.smallCpu().toBuilder().baseLr(Double.NaN));
        assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainingConfig.smallCpu().toBuilder().baseLr(0));
        assertEquals(
                0.01, TrainingConfig.smallCpu().toBuilder().baseLr(0.01).build().effectiveBaseLr());
    }
}
