package dev.keyledger.edge.http;

/**
 * Every limit the HTTP edge puts on a request, in one place (the API reference in README.md lists
 * them under "Limits"). A request over one is refused with the SPEC error body and never reaches a
 * use case: {@code 413 payload_too_large} for a body, {@code 414} for the request line, {@code 431}
 * for the headers, {@code 400 invalid_request} for the rest.
 *
 * <p>The limits of what the engine itself accepts live with their rules, not here: the data plane's
 * plaintext and context ({@code DataEnvelope}, {@code DataAead}), ARNs and external ids ({@code
 * ArnRules}), tenant ids ({@code TenantIds}), tokens ({@code HmacTokenVerifier}).
 */
public final class RequestLimits {

  /**
   * Largest body the edge reads at all; one declared larger by its {@code Content-Length} is
   * refused before a byte of it is read.
   */
  public static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

  /**
   * Largest body of {@code /encrypt} and {@code /decrypt}: room for the base64 of a 4 MiB plaintext
   * (or its ciphertext) and a context.
   */
  public static final int MAX_DATA_BODY_BYTES = 6 * 1024 * 1024;

  /** Largest JSON body of every other call. */
  public static final int MAX_JSON_BODY_BYTES = 64 * 1024;

  /** Deepest nesting of JSON objects and arrays in a body. */
  public static final int MAX_JSON_DEPTH = 32;

  /** Longest JSON number, in characters. */
  public static final int MAX_JSON_NUMBER_CHARS = 100;

  /**
   * Longest free-text field: {@code reason}, {@code description}, {@code key_alias}, {@code
   * acknowledged_by}, one entry of {@code acknowledged_terms} or {@code terms}.
   */
  public static final int MAX_TEXT_CHARS = 1024;

  /** Most entries of a list field ({@code acknowledged_terms}, {@code terms}). */
  public static final int MAX_LIST_ENTRIES = 32;

  /** Longest {@code waiver_version}, {@code effective_date} and {@code title} of a waiver. */
  public static final int MAX_WAIVER_FIELD_CHARS = 200;

  /** Longest {@code content} of a waiver. */
  public static final int MAX_WAIVER_CONTENT_CHARS = 20_000;

  /**
   * Largest request line plus headers, in bytes: room for an access token and a step-up token of
   * the longest accepted size.
   */
  public static final int MAX_HEADER_BYTES = 32 * 1024;

  private RequestLimits() {}
}
