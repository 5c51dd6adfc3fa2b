package dev.masklab.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.masklab.io.Backup;
import dev.masklab.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving keeps the file's formatting style (compact or pretty with its indent); the session backup keeps the original. */
class JsonLayoutTest {
    static final Path SHARED = SharedData.root();

    @TempDir
    Path tmp;

    /** What Python's json.dumps(d, indent=2) gives for the document below (checked with CPython 3). */
    static final String PYTHON_INDENT_2 = "{\n  \"info\": {\n    \"a\": 1,\n    \"e\": [],\n    \"o\": {}\n  },\n"
            + "  \"images\": [\n    {\n      \"id\": 1,\n      \"file_name\": \"a.jpg\",\n      \"width\": 10,\n"
            + "      \"height\": 8\n    }\n  ],\n  \"annotations\": [\n    {\n      \"id\": 5,\n      \"image_id\": 1,\n"
            + "      \"category_id\": 1,\n      \"segmentation\": [\n        [\n          1,\n          2.5,\n"
            + "          3,\n          4,\n          5,\n          6\n        ]\n      ],\n      \"area\": 3.0,\n"
            + "      \"bbox\": [\n        1,\n        2,\n        3,\n        4\n      ],\n      \"iscrowd\": 0\n"
            + "    }\n  ],\n  \"categories\": [\n    {\n      \"id\": 1,\n      \"name\": \"x\"\n    }\n  ]\n}";

    static final String COMPACT = "{\"info\":{\"a\":1,\"e\":[],\"o\":{}},\"images\":[{\"id\":1,\"file_name\":\"a.jpg\","
            + "\"width\":10,\"height\":8}],\"annotations\":[{\"id\":5,\"image_id\":1,\"category_id\":1,"
            + "\"segmentation\":[[1,2.5,3,4,5,6]],\"area\":3.0,\"bbox\":[1,2,3,4],\"iscrowd\":0}],"
            + "\"categories\":[{\"id\":1,\"name\":\"x\"}]}";

    String saveAgain(String content) throws IOException {
        Path f = tmp.resolve("d.json");
        Files.writeString(f, content);
        CocoDataset ds = CocoReader.read(f);
        CocoWriter.write(ds, f);
        return Files.readString(f);
    }

    @Test
    void prettyAndCompactFilesComeBackByteForByte() throws IOException {
        assertEquals(PYTHON_INDENT_2, saveAgain(PYTHON_INDENT_2));
        assertEquals(PYTHON_INDENT_2 + "\n", saveAgain(PYTHON_INDENT_2 + "\n"));
        String tabs = PYTHON_INDENT_2.replace("  ", "\t");
        assertEquals(tabs, saveAgain(tabs));
        String crlf = PYTHON_INDENT_2.replace("\n", "\r\n") + "\r\n";
        assertEquals(crlf, saveAgain(crlf));
        assertEquals(COMPACT, saveAgain(COMPACT));
        assertEquals(COMPACT + "\n", saveAgain(COMPACT + "\n"));
    }

    @Test
    void anEditedPrettyFileDiffsOnlyWhereItChanged() throws IOException {
        Path f = tmp.resolve("d.json");
        Files.writeString(f, PYTHON_INDENT_2);
        CocoDataset ds = CocoReader.read(f);
        assertEquals(JsonLayout.pretty("  ").indent(), ds.layout().indent());
        ds.annotation(5).setCategoryId(1).setIscrowd(1);
        CocoWriter.write(ds, f);
        assertEquals(PYTHON_INDENT_2.replace("\"iscrowd\": 0", "\"iscrowd\": 1"), Files.readString(f));
    }

    @Test
    void theSharedFourSpaceFileKeepsItsLayout() throws IOException {
        Path src = SHARED.resolve("data/coco-person-kp/test_coco.json");
        CocoDataset ds = CocoReader.read(src);
        assertEquals("    ", ds.layout().indent());
        Path out = tmp.resolve("out.json");
        CocoWriter.write(ds, out);
        String original = Files.readString(src);
        String written = Files.readString(out);
        // the same lines with the same indentation (the writer puts an annotation's known fields in COCO order, so
        // lines may move within an object): a diff shows only those moves, not a reformatted file
        // (and so may gain or lose their trailing comma)
        assertEquals(
                original.lines().map(l -> l.replaceAll(",$", "")).sorted().toList(),
                written.lines().map(l -> l.replaceAll(",$", "")).sorted().toList());
    }

    @Test
    void aSessionBackupKeepsTheUntouchedOriginal() throws IOException {
        Path f = tmp.resolve("d.json");
        Files.writeString(f, PYTHON_INDENT_2);
        CocoDataset ds = CocoReader.read(f);
        Backup session = Backup.perSession();
        ds.annotation(5).setIscrowd(1);
        CocoWriter.write(ds, f, session);
        ds.annotation(5).setIscrowd(0).setArea(9.0);
        CocoWriter.write(ds, f, session);
        assertEquals(PYTHON_INDENT_2, Files.readString(tmp.resolve("d.json.bak")), "the original, not the first save");
        assertTrue(Files.readString(f).contains("\"area\": 9.0"));
        // a one-shot write (the CLI) backs up what it replaces
        CocoWriter.write(ds, f);
        assertFalse(Files.readString(tmp.resolve("d.json.bak")).equals(PYTHON_INDENT_2));
    }
}
