package dev.masklab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** Checks that TestFX runs headless on Monocle with this JavaFX version: a click reaches a button. */
@ExtendWith(ApplicationExtension.class)
class MonocleSmokeTest {
    private Button button;
    private int clicks;

    @Start
    void start(Stage stage) {
        button = new Button("press");
        button.setId("press");
        button.setOnAction(e -> clicks++);
        stage.setScene(new Scene(new StackPane(button), 200, 100));
        stage.show();
    }

    @Test
    void clickReachesButton(FxRobot robot) {
        robot.clickOn("#press");
        assertEquals(1, clicks);
    }
}
