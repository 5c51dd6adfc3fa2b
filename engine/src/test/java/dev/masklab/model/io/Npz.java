package dev.masklab.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Test utility: reads numpy's {@code .npz} archives (a zip of {@code NAME.npy} files) holding little-endian float32
 * arrays in C order, as {@code /work/shared/tools/torchvision_reference.py} writes {@code tensors.npz}. Arrays are
 * read on demand.
 */
public final class Npz implements AutoCloseable {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final Path file;
    private final ZipFile zip;

    private Npz(Path file) throws IOException {
        this.file = file;
        this.zip = new ZipFile(file.toFile());
    }

    public static Npz open(Path file) throws IOException {
        return new Npz(file);
    }

    /** The array names (entry names without {@code .npy}). */
    public Set<String> names() {
        Set<String> out = new TreeSet<>();
        Enumeration<? extends ZipEntry> en = zip.entries();
        while (en.hasMoreElements()) {
            String n = en.nextElement().getName();
            if (n.endsWith(".npy")) {
                out.add(n.substring(0, n.length() - 4));
            }
        }
        return out;
    }

    public boolean has(String name) {
        return zip.getEntry(name + ".npy") != null;
    }

    /** An array: its shape and float32 values in C order. */
    public record Array(long[] shape, float[] data) {
        public Shape djlShape() {
            return new Shape(shape);
        }
    }

    public Array read(String name) throws IOException {
        ZipEntry e = zip.getEntry(name + ".npy");
        if (e == null) {
            throw new IOException(file + ": no array '" + name + "' (has " + names() + ")");
        }
        byte[] b;
        try (InputStream in = zip.getInputStream(e)) {
            b = in.readAllBytes();
        }
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || b[1] != 'N' || b[2] != 'U') {
            throw new IOException(file + ": " + name + ".npy is not an npy file");
        }
        int major = b[6];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            start = 10;
        } else {
            headerLen = bb.getInt(8);
            start = 12;
        }
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(file + ": " + name + ".npy has an unreadable header: " + header);
        }
        if (!d.group(1).equals("<f4") || f.group(1).equals("True")) {
            throw new IOException(file + ": " + name + ".npy is " + d.group(1) + " fortran=" + f.group(1)
                    + ", expected little-endian float32 in C order");
        }
        String[] dims = s.group(1).split(",");
        long[] shape = java.util.Arrays.stream(dims)
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
        long n = 1;
        for (long x : shape) {
            n *= x;
        }
        int dataStart = start + headerLen;
        if (b.length - dataStart != n * 4) {
            throw new IOException(
                    file + ": " + name + ".npy holds " + (b.length - dataStart) + " bytes, expected " + n * 4);
        }
        float[] data = new float[Math.toIntExact(n)];
        bb.position(dataStart);
        bb.asFloatBuffer().get(data);
        return new Array(shape, data);
    }

    public long[] shape(String name) throws IOException {
        return read(name).shape();
    }

    public float[] floats(String name) throws IOException {
        return read(name).data();
    }

    /** The array as a float32 NDArray of {@code m}. */
    public NDArray get(String name, NDManager m) throws IOException {
        Array a = read(name);
        return m.create(a.data(), new Shape(a.shape()));
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
