package dev.masklab.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version and name, from the filtered resource {@code version.properties} (Maven's project version). */
public final class AppInfo {
    private AppInfo() {}

    public static String version() {
        try (InputStream in = AppInfo.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
