package dev.masklab.model.io;

import ai.djl.ndarray.types.DataType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pickle virtual machine of torch's {@code weights_only} loader ({@code torch/_weights_only_unpickler.py}) for
 * the {@code data.pkl} of a {@code torch.save} archive: only the opcodes of pickle protocols 2 to 5 that build plain
 * data run, and only an explicit allowlist of globals exists ({@code collections.OrderedDict}, torch's tensor and
 * parameter rebuild functions, the typed storage classes); anything else is refused before it is built. Nothing is
 * imported, instantiated reflectively or executed.
 *
 * <p>Limits keep memory and time proportional to the pickle's bytes and every message short: containers hold at most
 * {@link #MAX_ITEMS} items, nest at most {@link #MAX_DEPTH} deep and may not contain themselves (cycles made through
 * the memo are refused); the stack and memo are bounded; tensors have at most {@link #MAX_DIMS} dimensions and
 * their element counts and extents are computed with overflow-checked arithmetic. Storages are only described here
 * ({@link StorageRef}); {@link PthLoader} reads them once their extents are known.
 *
 * <p>Python values become: None = null, bool = Boolean, int = Long (wider ints are refused), float = Double,
 * str = String, bytes = byte[], tuple = {@link Tuple}, list = ArrayList, dict = LinkedHashMap (keys: str, int,
 * float, bool or None only), OrderedDict = {@link OrderedDictValue}.
 */
final class WeightsUnpickler {
    /** Deepest container nesting accepted (a state dict needs 3: dict, tensor's size tuple, ...). */
    static final int MAX_DEPTH = 64;
    /** Most items in one list, tuple or dict. */
    static final int MAX_ITEMS = 1 << 22;
    /** Most entries on the stack or in the memo. */
    static final int MAX_STACK = 1 << 22;
    /** Most dimensions of one tensor (torch's own limit). */
    static final int MAX_DIMS = 64;
    /** Longest global name and storage key. */
    static final int MAX_NAME = 256;

    /** A typed storage as its persistent id describes it: entry {@code data/<key>} holding {@code numel} elements. */
    record StorageRef(String key, String typeName, DataType dtype, long numel) {}

    /**
     * A tensor viewing {@code storage}: element {@code [i0, i1, ...]} is storage element
     * {@code offset + sum(ik * stride[k])}.
     *
     * @param numel product of the sizes
     * @param extent one past the highest storage element viewed (0 when numel is 0)
     */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride, long numel, long extent) {}

    /** A Python tuple (immutable). */
    record Tuple(List<Object> items) {}

    /** {@code collections.OrderedDict}; its pickled state ({@code _metadata}) is accepted and dropped. */
    static final class OrderedDictValue extends LinkedHashMap<Object, Object> {}

    /** A pickle that is refused; the message is one short line. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private record Global(String module, String name) {}

    private static final String UTILS = "torch._utils";
    private static final Set<String> REBUILDS =
            Set.of("_rebuild_tensor_v2", "_rebuild_tensor", "_rebuild_parameter", "_rebuild_parameter_with_state");
    private static final Map<String, DataType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", DataType.FLOAT32),
            Map.entry("DoubleStorage", DataType.FLOAT64),
            Map.entry("HalfStorage", DataType.FLOAT16),
            Map.entry("BFloat16Storage", DataType.BFLOAT16),
            Map.entry("LongStorage", DataType.INT64),
            Map.entry("IntStorage", DataType.INT32),
            Map.entry("ShortStorage", DataType.INT16),
            Map.entry("CharStorage", DataType.INT8),
            Map.entry("ByteStorage", DataType.UINT8),
            Map.entry("BoolStorage", DataType.BOOLEAN));
    private static final Object MARK = new Object();

    private final byte[] in;
    private int pos;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();

    private WeightsUnpickler(byte[] pickle) {
        this.in = pickle;
    }

    /** Unpickles {@code pickle} (a whole data.pkl); the result holds no cycle and nests at most MAX_DEPTH deep. */
    static Object load(byte[] pickle) throws Refused {
        WeightsUnpickler u = new WeightsUnpickler(pickle);
        Object root = u.run();
        checkShape(root);
        return root;
    }

    private Object run() throws Refused {
        while (true) {
            int at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v < 2 || v > 5) {
                        throw new Refused("pickle protocol " + v + " is not supported (2 to 5)");
                    }
                }
                case 0x95 -> bytes(8); // FRAME: a length hint
                case '.' -> { // STOP
                    return pop();
                }
                case '(' -> {
                    push(MARK);
                    marks.add(stack.size() - 1);
                }
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) (u8() | u8() << 8 | u8() << 16 | u8() << 24));
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (u8() | u8() << 8));
                case 0x8a -> push(littleEndianLong(u8()));
                case 0x8b -> push(littleEndianLong(length(u32())));
                case 'G' -> {
                    long bits = 0;
                    for (int i = 0; i < 8; i++) {
                        bits = bits << 8 | u8();
                    }
                    push(Double.longBitsToDouble(bits));
                }
                case 'X' -> push(utf8(u32()));
                case 0x8c -> push(utf8(u8()));
                case 0x8d -> push(utf8(u64()));
                case 'B' -> push(bytes(length(u32())));
                case 'C' -> push(bytes(u8()));
                case 0x8e -> push(bytes(length(u64())));
                case ')' -> push(new Tuple(List.of()));
                case 't' -> push(tuple(popMark()));
                case 0x85, 0x86, 0x87 -> {
                    int n = op - 0x84;
                    List<Object> items = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        items.addFirst(pop());
                    }
                    push(tuple(items));
                }
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'a' -> append(Collections.singletonList(pop()));
                case 'e' -> append(popMark());
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> {
                    List<Object> items = popMark();
                    push(new LinkedHashMap<>());
                    setItems(items);
                }
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    setItems(java.util.Arrays.asList(k, v));
                }
                case 'u' -> setItems(popMark());
                case 'c' -> push(global(line(), line()));
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw new Refused(
                                "STACK_GLOBAL with a " + kind(module) + " and a " + kind(name) + " instead of names");
                    }
                    push(global(m, n));
                }
                case 'R' -> {
                    Object args = pop();
                    Object f = pop();
                    push(reduce(f, args));
                }
                case 'b' -> {
                    Object state = pop();
                    if (!(peek() instanceof OrderedDictValue)) {
                        throw new Refused(
                                "BUILD (setting state) on a " + kind(peek()) + " is not allowed; only on OrderedDict");
                    }
                    if (state != null && !(state instanceof Map<?, ?>) && !(state instanceof Tuple)) {
                        throw new Refused("OrderedDict state is a " + kind(state));
                    }
                }
                case 'Q' -> push(persistent(pop()));
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(u32()));
                case 'q' -> memoPut(u8());
                case 'r' -> memoPut(u32());
                case 0x94 -> memoPut(memo.size());
                default ->
                    throw new Refused(String.format(
                            "pickle opcode 0x%02x ('%s') at byte %d is not allowed in a" + " weights file",
                            op, op >= 0x20 && op < 0x7f ? String.valueOf((char) op) : "?", at));
            }
        }
    }

    // --- stack, memo ------------------------------------------------------------------------------------------------

    private void push(Object o) throws Refused {
        if (stack.size() >= MAX_STACK) {
            throw new Refused("pickle stack exceeds " + MAX_STACK + " entries");
        }
        stack.add(o);
    }

    private Object pop() throws Refused {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.getLast() == stack.size() - 1)) {
            throw new Refused("pickle stack underflow at byte " + pos);
        }
        return stack.removeLast();
    }

    private Object peek() throws Refused {
        Object o = pop();
        stack.add(o);
        return o;
    }

    private List<Object> popMark() throws Refused {
        if (marks.isEmpty()) {
            throw new Refused("pickle MARK missing at byte " + pos);
        }
        int m = marks.removeLast();
        List<Object> sub = stack.subList(m + 1, stack.size());
        List<Object> items = new ArrayList<>(sub);
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private Object memoGet(long key) throws Refused {
        if (!memo.containsKey(key)) {
            throw new Refused("pickle memo entry " + key + " is read before it is written");
        }
        return memo.get(key);
    }

    private void memoPut(long key) throws Refused {
        if (memo.size() >= MAX_STACK && !memo.containsKey(key)) {
            throw new Refused("pickle memo exceeds " + MAX_STACK + " entries");
        }
        memo.put(key, peek());
    }

    // --- containers -------------------------------------------------------------------------------------------------

    private static Tuple tuple(List<Object> items) throws Refused {
        checkSize(items.size());
        return new Tuple(Collections.unmodifiableList(new ArrayList<>(items)));
    }

    @SuppressWarnings("unchecked")
    private void append(List<Object> items) throws Refused {
        Object target = peek();
        if (!(target instanceof ArrayList<?> list)) {
            throw new Refused("APPEND to a " + kind(target) + " instead of a list");
        }
        checkSize((long) list.size() + items.size());
        ((List<Object>) list).addAll(items);
    }

    @SuppressWarnings("unchecked")
    private void setItems(List<Object> items) throws Refused {
        Object target = peek();
        if (!(target instanceof LinkedHashMap<?, ?> map)) {
            throw new Refused("SETITEM on a " + kind(target) + " instead of a dict");
        }
        if (items.size() % 2 != 0) {
            throw new Refused("SETITEMS with an odd number of items");
        }
        checkSize((long) map.size() + items.size() / 2);
        for (int i = 0; i < items.size(); i += 2) {
            Object k = items.get(i);
            if (k != null
                    && !(k instanceof String)
                    && !(k instanceof Long)
                    && !(k instanceof Double)
                    && !(k instanceof Boolean)) {
                throw new Refused("a dict key is a " + kind(k) + " (only str, int, float, bool and None are accepted)");
            }
            ((Map<Object, Object>) map).put(k, items.get(i + 1));
        }
    }

    private static void checkSize(long n) throws Refused {
        if (n > MAX_ITEMS) {
            throw new Refused("a container holds more than " + MAX_ITEMS + " items");
        }
    }

    /** Refuses cycles and nesting deeper than MAX_DEPTH; shared sub-objects are visited once. */
    private static void checkShape(Object root) throws Refused {
        depth(root, 0, new IdentityHashMap<>(), Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static void depth(Object o, int level, Map<Object, Boolean> done, Set<Object> path) throws Refused {
        Iterable<?> children;
        if (o instanceof Map<?, ?> m) {
            children = m.values();
        } else if (o instanceof List<?> l) {
            children = l;
        } else if (o instanceof Tuple t) {
            children = t.items();
        } else {
            return;
        }
        if (done.containsKey(o)) {
            return;
        }
        if (level >= MAX_DEPTH) {
            throw new Refused("containers nest more than " + MAX_DEPTH + " deep");
        }
        if (!path.add(o)) {
            throw new Refused("a " + kind(o) + " contains itself (a cycle)");
        }
        for (Object c : children) {
            depth(c, level + 1, done, path);
        }
        path.remove(o);
        done.put(o, Boolean.TRUE);
    }

    // --- globals, reduce, persistent ids ----------------------------------------------------------------------------

    private static Global global(String module, String name) throws Refused {
        boolean ok = (module.equals("collections") && name.equals("OrderedDict"))
                || (module.equals(UTILS) && REBUILDS.contains(name))
                || (module.equals("torch") && STORAGES.containsKey(name));
        if (!ok) {
            throw new Refused("global '" + brief(module + "." + name) + "' is not allowed in a weights file (only"
                    + " OrderedDict, tensors, parameters and typed storages)");
        }
        return new Global(module, name);
    }

    private static Object reduce(Object f, Object a) throws Refused {
        if (!(f instanceof Global g)) {
            throw new Refused("REDUCE calls a " + kind(f) + ", not an allowed global");
        }
        if (!(a instanceof Tuple t)) {
            throw new Refused("REDUCE of " + g.module + "." + g.name + " with a " + kind(a) + " instead of a tuple");
        }
        List<Object> args = t.items();
        switch (g.module + "." + g.name) {
            case "collections.OrderedDict" -> {
                OrderedDictValue d = new OrderedDictValue();
                if (args.isEmpty()) {
                    return d; // torch.save's form: the items follow with SETITEMS
                }
                // OrderedDict([(key, value), ...]) (PthWriter's form; torch's weights_only loader accepts it too)
                if (args.size() != 1 || !(args.get(0) instanceof List<?> pairs)) {
                    throw new Refused("OrderedDict is built with arguments other than one list of (key, value) pairs");
                }
                checkSize(pairs.size());
                for (Object p : pairs) {
                    if (!(p instanceof Tuple(List<Object> kv)) || kv.size() != 2) {
                        throw new Refused("an OrderedDict item is a " + kind(p) + ", not a (key, value) pair");
                    }
                    Object k = kv.get(0);
                    if (k != null
                            && !(k instanceof String)
                            && !(k instanceof Long)
                            && !(k instanceof Double)
                            && !(k instanceof Boolean)) {
                        throw new Refused(
                                "a dict key is a " + kind(k) + " (only str, int, float, bool and None are accepted)");
                    }
                    d.put(k, kv.get(1));
                }
                return d;
            }
            case UTILS + "._rebuild_tensor_v2", UTILS + "._rebuild_tensor" -> {
                int min = g.name.endsWith("v2") ? 6 : 4;
                if (args.size() < min || args.size() > min + 1) {
                    throw new Refused(g.name + " takes " + min + " arguments, got " + args.size());
                }
                return tensor(args.get(0), args.get(1), args.get(2), args.get(3));
            }
            case UTILS + "._rebuild_parameter", UTILS + "._rebuild_parameter_with_state" -> {
                if (args.isEmpty() || !(args.get(0) instanceof TensorRef tensor)) {
                    throw new Refused(g.name + " of a " + (args.isEmpty() ? "nothing" : kind(args.get(0)))
                            + " instead of a tensor");
                }
                return tensor;
            }
            default -> throw new Refused("torch." + g.name + " cannot be constructed directly");
        }
    }

    private static TensorRef tensor(Object storage, Object offset, Object size, Object stride) throws Refused {
        if (!(storage instanceof StorageRef s)) {
            throw new Refused("a tensor's storage is a " + kind(storage));
        }
        if (!(offset instanceof Long off) || off < 0) {
            throw new Refused("a tensor of storage " + s.key + " has storage offset " + brief(offset));
        }
        long[] sz = longs(size, "size", s);
        long[] st = longs(stride, "stride", s);
        if (sz.length != st.length) {
            throw new Refused(
                    "a tensor of storage " + s.key + " has " + sz.length + " sizes but " + st.length + " strides");
        }
        try {
            long numel = 1;
            long last = off;
            for (int i = 0; i < sz.length; i++) {
                numel = Math.multiplyExact(numel, sz[i]);
                if (sz[i] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(sz[i] - 1, st[i]));
                }
            }
            return new TensorRef(s, off, sz, st, numel, numel == 0 ? 0 : Math.addExact(last, 1));
        } catch (ArithmeticException e) {
            throw new Refused("a tensor of storage " + s.key + " has sizes and strides whose element indices overflow"
                    + " 64 bits");
        }
    }

    private static long[] longs(Object tuple, String what, StorageRef s) throws Refused {
        if (!(tuple instanceof Tuple t)) {
            throw new Refused("a tensor's " + what + " is a " + kind(tuple) + " instead of a tuple");
        }
        if (t.items().size() > MAX_DIMS) {
            throw new Refused("a tensor of storage " + s.key + " has "
                    + t.items().size() + " dimensions (at most " + MAX_DIMS + ")");
        }
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long v) || v < 0) {
                throw new Refused("a tensor of storage " + s.key + " has " + what + " "
                        + brief(t.items().get(i)) + " (non-negative integers expected)");
            }
            out[i] = v;
        }
        return out;
    }

    private StorageRef persistent(Object pid) throws Refused {
        if (!(pid instanceof Tuple t)
                || t.items().size() != 5
                || !"storage".equals(t.items().get(0))) {
            throw new Refused("persistent id is a " + kind(pid) + ", not ('storage', type, key, location, numel)");
        }
        List<Object> p = t.items();
        if (!(p.get(1) instanceof Global g) || !g.module.equals("torch") || !STORAGES.containsKey(g.name)) {
            throw new Refused("storage type is a " + kind(p.get(1)) + ", not a torch typed storage");
        }
        if (!(p.get(2) instanceof String key)
                || !key.matches("[A-Za-z0-9_.-]{1," + MAX_NAME + "}")
                || key.contains("..")) {
            throw new Refused("storage key " + brief(p.get(2)) + " is not a plain entry name");
        }
        if (!(p.get(4) instanceof Long numel) || numel < 0) {
            throw new Refused("storage " + key + " has element count " + brief(p.get(4)));
        }
        StorageRef s = new StorageRef(key, g.name, STORAGES.get(g.name), numel);
        StorageRef before = storages.putIfAbsent(key, s);
        if (before != null && !before.equals(s)) {
            throw new Refused("storage " + key + " is declared both as " + before.numel + " x " + before.typeName
                    + " and as " + numel + " x " + g.name);
        }
        return before == null ? s : before;
    }

    // --- reading ----------------------------------------------------------------------------------------------------

    private int u8() throws Refused {
        if (pos >= in.length) {
            throw new Refused("the pickle ends without STOP (truncated)");
        }
        return in[pos++] & 0xff;
    }

    private long u32() throws Refused {
        return u8() | (long) u8() << 8 | (long) u8() << 16 | (long) u8() << 24;
    }

    private long u64() throws Refused {
        long lo = u32();
        long hi = u32();
        if (hi != 0) {
            throw new Refused("a length field at byte " + (pos - 8) + " exceeds 2^32");
        }
        return lo;
    }

    private int length(long n) throws Refused {
        if (n > in.length - pos) {
            throw new Refused("a value of " + n + " bytes at byte " + pos + " runs past the end of the pickle ("
                    + in.length + " bytes)");
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws Refused {
        int len = length(n);
        byte[] out = java.util.Arrays.copyOfRange(in, pos, pos + len);
        pos += len;
        return out;
    }

    private String utf8(long n) throws Refused {
        int len = length(n);
        String s = new String(in, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    private long littleEndianLong(int n) throws Refused {
        if (n > 8) {
            throw new Refused("an integer of " + n + " bytes at byte " + pos + " is too large");
        }
        length(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (in[pos + i] & 0xff);
        }
        if (n > 0 && n < 8 && (in[pos + n - 1] & 0x80) != 0) {
            v -= 1L << (8 * n); // sign of a short two's-complement value
        }
        pos += n;
        return v;
    }

    private String line() throws Refused {
        int start = pos;
        while (pos < in.length && in[pos] != '\n') {
            if (pos - start >= MAX_NAME) {
                throw new Refused("a global name at byte " + start + " is longer than " + MAX_NAME + " bytes");
            }
            pos++;
        }
        if (pos >= in.length) {
            throw new Refused("the pickle ends inside a global name (truncated)");
        }
        return new String(in, start, pos++ - start, StandardCharsets.UTF_8);
    }

    // --- messages ---------------------------------------------------------------------------------------------------

    /** Python's name for the type of {@code o} (never its contents). */
    static String kind(Object o) {
        return switch (o) {
            case null -> "None";
            case String s -> "str";
            case Long l -> "int";
            case Double d -> "float";
            case Boolean b -> "bool";
            case byte[] b -> "bytes";
            case Tuple t -> "tuple of " + t.items().size();
            case OrderedDictValue d -> "OrderedDict";
            case Map<?, ?> m -> "dict";
            case List<?> l -> "list";
            case Global g -> "global " + g.module + "." + g.name;
            case StorageRef s -> "storage";
            case TensorRef t -> "tensor";
            default -> o == MARK ? "MARK" : o.getClass().getSimpleName();
        };
    }

    /** A scalar or name for a message: at most 60 characters, control characters replaced; containers by kind. */
    static String brief(Object o) {
        if (!(o instanceof String) && !(o instanceof Long) && !(o instanceof Double) && !(o instanceof Boolean)) {
            return kind(o);
        }
        String s = String.valueOf(o);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 60; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return (o instanceof String ? "'" + b + "'" : b.toString()) + (s.length() > 60 ? "..." : "");
    }
}
