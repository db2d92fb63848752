package dev.keyledger.engine.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds static AWS credentials in a JSON-like tree (nested {@link Map}s with string keys, {@link
 * Collection}s, strings, numbers, booleans, nulls), so that a request carrying them can be refused
 * (SPEC §3b: static customer credentials are never accepted, anywhere in the body).
 *
 * <p>A value is flagged when its field name is a credential name ({@code access_key_id}, {@code
 * aws_secret_access_key}, {@code sessionToken}, {@code credentials}, ..., compared ignoring case,
 * {@code _} and {@code -}) and it is not null or empty; when a string contains an access key id
 * ({@code AKIA}/{@code ASIA} + 16 upper-case letters or digits) or a credential assignment such as
 * {@code AWS_SECRET_ACCESS_KEY=...}; when its field name is itself an access key id; or when it is
 * a 40-character base64 string (the shape of a secret access key) in the same object or string as
 * an access key id. The result is the list of JSON paths of the offending values ({@code
 * $.config.aws_secret_access_key}, {@code $.items[2]}), in document order; never the values
 * themselves. The scan is iterative, so deep nesting cannot overflow the stack.
 */
public final class StaticCredentialsDetector {
  private static final Set<String> CREDENTIAL_NAMES =
      Set.of(
          "accesskeyid",
          "awsaccesskeyid",
          "accesskey",
          "awsaccesskey",
          "secretaccesskey",
          "awssecretaccesskey",
          "secretkey",
          "awssecretkey",
          "sessiontoken",
          "awssessiontoken",
          "securitytoken",
          "awssecuritytoken",
          "credentials",
          "awscredentials");
  private static final Pattern ACCESS_KEY_ID =
      Pattern.compile("(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])");
  private static final Pattern SECRET_SHAPE =
      Pattern.compile("(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])");
  private static final Pattern CREDENTIAL_ASSIGNMENT =
      Pattern.compile(
          "aws_?(access_?key_?id|secret_?access_?key|session_?token|security_?token)\\s*[=:]",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern PLAIN_FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private StaticCredentialsDetector() {}

  /** A value still to scan, or (finding) a path already known to hold a credential. */
  private record Node(String path, Object value, boolean finding) {
    Node(String path, Object value) {
      this(path, value, false);
    }
  }

  /**
   * The JSON paths of every value that looks like a static AWS credential; empty when there is
   * none.
   */
  public static List<String> findStaticCredentials(Object tree) {
    List<String> found = new ArrayList<>();
    Deque<Node> pending = new ArrayDeque<>();
    pending.push(new Node("$", tree));
    while (!pending.isEmpty()) {
      Node node = pending.pop();
      if (node.finding()) {
        found.add(node.path());
      } else if (node.value() instanceof Map<?, ?> map) {
        scanObject(node.path(), map, pending);
      } else if (node.value() instanceof Collection<?> list) {
        List<Node> children = new ArrayList<>();
        int i = 0;
        for (Object item : list) {
          children.add(new Node(node.path() + "[" + i++ + "]", item));
        }
        pushInOrder(children, pending);
      } else if (node.value() instanceof String s && looksLikeCredential(s)) {
        found.add(node.path());
      }
    }
    return found;
  }

  private static void scanObject(String path, Map<?, ?> map, Deque<Node> pending) {
    boolean holdsKeyId =
        map.values().stream()
            .anyMatch(v -> v instanceof String s && ACCESS_KEY_ID.matcher(s).find());
    List<Node> children = new ArrayList<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String name = String.valueOf(entry.getKey());
      String childPath = path + segment(name);
      Object value = entry.getValue();
      boolean credential =
          isCredentialName(name) && !isEmpty(value)
              || ACCESS_KEY_ID.matcher(name).find()
              || holdsKeyId && value instanceof String s && SECRET_SHAPE.matcher(s).matches();
      if (credential) {
        children.add(new Node(childPath, null, true));
      } else {
        children.add(new Node(childPath, value));
      }
    }
    pushInOrder(children, pending);
  }

  private static boolean looksLikeCredential(String s) {
    if (CREDENTIAL_ASSIGNMENT.matcher(s).find()) {
      return true;
    }
    return ACCESS_KEY_ID.matcher(s).find();
  }

  private static boolean isCredentialName(String name) {
    return CREDENTIAL_NAMES.contains(
        name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", ""));
  }

  private static boolean isEmpty(Object value) {
    return value == null
        || value instanceof String s && s.isBlank()
        || value instanceof Map<?, ?> m && m.isEmpty()
        || value instanceof Collection<?> c && c.isEmpty();
  }

  /** A path segment for a field name; a name that is itself an access key id is redacted. */
  private static String segment(String name) {
    if (ACCESS_KEY_ID.matcher(name).find()) {
      return "[<redacted>]";
    }
    if (PLAIN_FIELD.matcher(name).matches()) {
      return "." + name;
    }
    return "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
  }

  private static void pushInOrder(List<Node> children, Deque<Node> pending) {
    for (int i = children.size() - 1; i >= 0; i--) {
      pending.push(children.get(i));
    }
  }
}
