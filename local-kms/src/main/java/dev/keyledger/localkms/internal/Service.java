package dev.keyledger.localkms.internal;

import java.util.Locale;
import java.util.Optional;

/** The emulated AWS services, told apart by the SigV4 credential-scope service name. */
public enum Service {
  KMS(null),
  STS("https://sts.amazonaws.com/doc/2011-06-15/"),
  IAM("https://iam.amazonaws.com/doc/2010-05-08/");

  private final String xmlNamespace;

  Service(String xmlNamespace) {
    this.xmlNamespace = xmlNamespace;
  }

  /** The XML namespace of Query-protocol answers; null for KMS (JSON 1.1). */
  public String xmlNamespace() {
    return xmlNamespace;
  }

  public boolean usesQueryProtocol() {
    return xmlNamespace != null;
  }

  public String scopeName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Service> fromScopeName(String name) {
    for (Service s : values()) {
      if (s.scopeName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
