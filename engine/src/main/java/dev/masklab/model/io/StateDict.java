package dev.masklab.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A model's parameters and buffers by name, in torchvision 0.14's current key spelling (legacy spellings are mapped
 * by {@link PthLoader}), each an NDArray attached to this dict's own {@link #manager()}. Closing the dict frees them.
 * Keys keep the file's order.
 */
public final class StateDict implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> tensors;
    private final String source;

    /**
     * @param manager the manager owning the arrays (closed by {@link #close()})
     * @param tensors arrays by key (kept in iteration order)
     * @param source where the tensors came from, for messages (a file name)
     */
    public StateDict(NDManager manager, Map<String, NDArray> tensors, String source) {
        this.manager = manager;
        this.tensors = new LinkedHashMap<>(tensors);
        this.source = source;
    }

    /** The array of {@code key}; throws naming the key and the source when it is missing. */
    public NDArray get(String key) {
        NDArray a = tensors.get(key);
        if (a == null) {
            throw new NoSuchElementException("state dict " + source + " has no tensor '" + key + "'");
        }
        return a;
    }

    public boolean has(String key) {
        return tensors.containsKey(key);
    }

    /** All keys, in file order (unmodifiable). */
    public Set<String> keys() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** The keys and arrays (unmodifiable view). */
    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public int size() {
        return tensors.size();
    }

    /** Where the tensors came from (file name), for messages. */
    public String source() {
        return source;
    }

    /** The manager that owns every array of this dict. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
