package dev.keyledger.envelope;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Walks every object reachable from a root through instance fields (the surefire configuration
 * opens the JDK packages this needs) and reports each array that still holds a given AES key: the
 * key bytes in a {@code byte[]}, or the key's first four big-endian words in an {@code int[]}, the
 * way an AES key schedule starts.
 */
final class ReachableKeyCopies {

  /** What a walk found: the field paths of the copies, and the types it passed through. */
  record Scan(List<String> copies, Set<String> visitedTypes) {}

  private record Reached(Object object, String path) {}

  private ReachableKeyCopies() {}

  static Scan from(Object root, byte[] key) {
    int[] words = new int[4];
    for (int i = 0; i < words.length; i++) {
      words[i] =
          (key[4 * i] & 0xff) << 24
              | (key[4 * i + 1] & 0xff) << 16
              | (key[4 * i + 2] & 0xff) << 8
              | key[4 * i + 3] & 0xff;
    }
    List<String> copies = new ArrayList<>();
    Set<String> types = new java.util.TreeSet<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Reached> queue = new ArrayDeque<>();
    queue.add(new Reached(root, "root"));
    while (!queue.isEmpty()) {
      Reached next = queue.poll();
      Object o = next.object();
      String path = next.path();
      if (o == null || o instanceof Class<?> || !seen.add(o)) {
        continue;
      }
      Class<?> type = o.getClass();
      types.add(type.getName());
      if (o instanceof byte[] bytes) {
        if (contains(bytes, key)) {
          copies.add(path + " (byte[" + bytes.length + "])");
        }
      } else if (o instanceof int[] ints) {
        if (contains(ints, words)) {
          copies.add(path + " (int[" + ints.length + "])");
        }
      } else if (o instanceof Object[] array) {
        for (int i = 0; i < array.length; i++) {
          queue.add(new Reached(array[i], path + "[" + i + "]"));
        }
      } else if (!type.isArray()) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
          for (Field f : c.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
              continue;
            }
            try {
              f.setAccessible(true);
              queue.add(new Reached(f.get(o), path + "." + f.getName()));
            } catch (InaccessibleObjectException | IllegalAccessException e) {
              // A package the build does not open holds nothing of ours (the crypto ones are open).
            }
          }
        }
      }
    }
    return new Scan(copies, types);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean contains(int[] haystack, int[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
