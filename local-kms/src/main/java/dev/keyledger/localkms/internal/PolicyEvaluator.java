package dev.keyledger.localkms.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Evaluates IAM policy documents (key policies, role trust policies, role inline policies) against
 * one request, following AWS's rules: an explicit Deny wins; otherwise an Allow must match
 * principal, action, resource and every condition. Supports {@code Principal}/{@code NotPrincipal}
 * ({@code AWS}: ARN, account id, {@code arn:aws:iam::ACCT:root}, {@code *}), {@code Action}/{@code
 * NotAction} and {@code Resource}/{@code NotResource} with {@code *} and {@code ?} wildcards, and
 * the String*, Arn*, Bool and Null condition operators with {@code ...IfExists} and {@code
 * ForAnyValue:}/{@code ForAllValues:}. Stateless and thread-safe.
 */
public final class PolicyEvaluator {

  /** The outcome of one policy for one request. */
  public enum Decision {
    /** An explicit Deny matched. */
    DENY,
    /** An Allow matched that names this principal itself (or {@code *}). */
    ALLOW_DIRECT,
    /** An Allow matched only through the principal's account (account id or account root ARN). */
    ALLOW_VIA_ACCOUNT,
    /** Nothing matched: implicitly denied by this policy. */
    NO_MATCH
  }

  /**
   * The request as policies see it.
   *
   * @param conditionKeys condition key values by lower-case key name
   */
  public record RequestContext(
      Principal principal,
      String action,
      String resource,
      Map<String, List<String>> conditionKeys) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private PolicyEvaluator() {}

  /**
   * Checks that a policy is a JSON object with at least one statement whose Effect is Allow or
   * Deny.
   *
   * @throws IllegalArgumentException with an AWS-like reason otherwise
   */
  public static void validate(String policy, boolean needsPrincipal) {
    JsonNode root = parse(policy);
    List<JsonNode> statements = statements(root);
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("Policy document must contain at least one Statement");
    }
    for (JsonNode st : statements) {
      String effect = st.path("Effect").asText("");
      if (!effect.equals("Allow") && !effect.equals("Deny")) {
        throw new IllegalArgumentException("Invalid policy document: Effect must be Allow or Deny");
      }
      if (!st.has("Action") && !st.has("NotAction")) {
        throw new IllegalArgumentException(
            "Invalid policy document: every statement needs an Action");
      }
      if (needsPrincipal && !st.has("Principal") && !st.has("NotPrincipal")) {
        throw new IllegalArgumentException(
            "Invalid policy document: every statement needs a Principal");
      }
    }
  }

  /**
   * Evaluates a resource-based policy (key policy or trust policy), whose statements name
   * principals.
   */
  public static Decision evaluateResourcePolicy(String policy, RequestContext ctx) {
    return evaluate(List.of(policy), ctx, true);
  }

  /**
   * Evaluates identity policies (attached to the caller), whose statements apply to their holder.
   */
  public static Decision evaluateIdentityPolicies(Collection<String> policies, RequestContext ctx) {
    return evaluate(policies, ctx, false);
  }

  private static Decision evaluate(
      Collection<String> policies, RequestContext ctx, boolean resourcePolicy) {
    Decision best = Decision.NO_MATCH;
    for (String policy : policies) {
      for (JsonNode st : statements(parse(policy))) {
        Decision principalMatch =
            resourcePolicy ? principalMatch(st, ctx.principal()) : Decision.ALLOW_DIRECT;
        if (principalMatch == Decision.NO_MATCH
            || !matchesAny(st, "Action", "NotAction", ctx.action(), true)
            || !matchesAny(st, "Resource", "NotResource", ctx.resource(), false)
            || !conditionsHold(st.path("Condition"), ctx.conditionKeys())) {
          continue;
        }
        if ("Deny".equals(st.path("Effect").asText())) {
          return Decision.DENY;
        }
        if (best != Decision.ALLOW_DIRECT) {
          best = principalMatch;
        }
      }
    }
    return best;
  }

  private static Decision principalMatch(JsonNode st, Principal p) {
    if (st.has("NotPrincipal")) {
      return principalMatchOf(st.get("NotPrincipal"), p) == Decision.NO_MATCH
          ? Decision.ALLOW_DIRECT
          : Decision.NO_MATCH;
    }
    return principalMatchOf(st.path("Principal"), p);
  }

  private static Decision principalMatchOf(JsonNode principal, Principal p) {
    if (principal.isTextual()) {
      return principal.asText().equals("*") ? Decision.ALLOW_DIRECT : Decision.NO_MATCH;
    }
    Decision result = Decision.NO_MATCH;
    for (String value : values(principal.path("AWS"))) {
      if (value.equals("*") || p.policyArns().contains(value)) {
        return Decision.ALLOW_DIRECT;
      }
      if (value.equals(p.accountId()) || value.equals("arn:aws:iam::" + p.accountId() + ":root")) {
        result = p.isRoot() ? Decision.ALLOW_DIRECT : Decision.ALLOW_VIA_ACCOUNT;
      }
    }
    return result;
  }

  private static boolean matchesAny(
      JsonNode st, String field, String notField, String value, boolean ignoreCase) {
    if (st.has(notField)) {
      return values(st.get(notField)).stream()
          .noneMatch(pattern -> wildcard(pattern, value, ignoreCase));
    }
    if (!st.has(field)) {
      return true; // trust policies carry no Resource
    }
    return values(st.get(field)).stream().anyMatch(pattern -> wildcard(pattern, value, ignoreCase));
  }

  private static boolean conditionsHold(JsonNode conditions, Map<String, List<String>> ctx) {
    Iterator<Map.Entry<String, JsonNode>> ops = conditions.fields();
    while (ops.hasNext()) {
      Map.Entry<String, JsonNode> op = ops.next();
      Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields();
      while (keys.hasNext()) {
        Map.Entry<String, JsonNode> key = keys.next();
        List<String> actual = ctx.get(key.getKey().toLowerCase(Locale.ROOT));
        if (!conditionHolds(op.getKey(), actual, values(key.getValue()))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean conditionHolds(
      String operator, List<String> actual, List<String> expected) {
    String op = operator;
    String setOp = null;
    if (op.startsWith("ForAnyValue:") || op.startsWith("ForAllValues:")) {
      setOp = op.substring(0, op.indexOf(':'));
      op = op.substring(op.indexOf(':') + 1);
    }
    boolean ifExists = op.endsWith("IfExists");
    if (ifExists) {
      op = op.substring(0, op.length() - "IfExists".length());
    }
    if (op.equals("Null")) {
      boolean wantAbsent = expected.stream().anyMatch("true"::equalsIgnoreCase);
      return wantAbsent == (actual == null || actual.isEmpty());
    }
    if (actual == null || actual.isEmpty()) {
      if ("ForAllValues".equals(setOp) || ifExists) {
        return true;
      }
      return op.startsWith("StringNot") || op.startsWith("ArnNot");
    }
    boolean negated = op.startsWith("StringNot") || op.startsWith("ArnNot");
    String positive = negated ? op.replace("Not", "") : op;
    if (!positive.matches(
        "StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|Bool")) {
      return false; // an operator we do not know never grants (and never denies)
    }
    if ("ForAllValues".equals(setOp)) {
      return actual.stream().allMatch(a -> valueMatches(positive, a, expected) != negated);
    }
    boolean any = actual.stream().anyMatch(a -> valueMatches(positive, a, expected));
    return negated ? !any : any;
  }

  private static boolean valueMatches(String operator, String actual, List<String> expected) {
    return expected.stream()
        .anyMatch(
            e ->
                switch (operator) {
                  case "StringEquals" -> e.equals(actual);
                  case "StringEqualsIgnoreCase", "Bool" -> e.equalsIgnoreCase(actual);
                  default -> wildcard(e, actual, false); // StringLike, ArnEquals, ArnLike
                });
  }

  private static boolean wildcard(String pattern, String value, boolean ignoreCase) {
    if (pattern.equals("*")) {
      return true;
    }
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(
            regex.toString(),
            ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL : Pattern.DOTALL)
        .matcher(value)
        .matches();
  }

  private static List<JsonNode> statements(JsonNode root) {
    JsonNode st = root.path("Statement");
    List<JsonNode> out = new ArrayList<>();
    if (st.isArray()) {
      st.forEach(out::add);
    } else if (st.isObject()) {
      out.add(st);
    }
    return out;
  }

  private static List<String> values(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (node.isValueNode()) {
      out.add(node.asText());
    }
    return out;
  }

  private static JsonNode parse(String policy) {
    try {
      JsonNode root = JSON.readTree(policy);
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("Policy document must be a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Policy document is not valid JSON", e);
    }
  }
}
