package org.flows4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An ordered list of child modules named {@code "0"}, {@code "1"}, ... so their parameters are
 * collected as {@code 0.weight}, {@code 1.weight}, ... under the list's own name. It has no
 * forward pass; the owner decides how to chain the items. Items are added while the owner is
 * being built, before the module is shared between threads.
 *
 * @param <M> the type of the items
 */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    /** An empty list. */
    public ModuleList() {
    }

    /** Appends {@code module} under the next index; returns it. */
    public M add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return module;
    }

    /** The item at {@code index}. */
    public M get(int index) {
        if (index < 0 || index >= items.size()) {
            throw new IndexOutOfBoundsException("ModuleList: index " + index + " is outside [0, " + items.size() + ")");
        }
        return items.get(index);
    }

    /** Number of items. */
    public int size() {
        return items.size();
    }

    /** The items in order (read-only). */
    @Override
    public Iterator<M> iterator() {
        return Collections.unmodifiableList(items).iterator();
    }
}
