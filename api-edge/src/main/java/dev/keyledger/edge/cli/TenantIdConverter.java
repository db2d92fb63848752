package dev.keyledger.edge.cli;

import dev.keyledger.engine.domain.TenantIds;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A {@code --tenant} flag: a tenant id (the tokens' {@code org}) or the platform's own key. */
final class TenantIdConverter implements ITypeConverter<String> {

  @Override
  public String convert(String value) {
    if (TenantIds.isValid(value) || TenantIds.PLATFORM.equals(value)) {
      return value;
    }
    throw new TypeConversionException(
        "not a tenant id: '"
            + value
            + "' (1-64 letters, digits, '.', '_', '-', starting with a letter or digit; or "
            + TenantIds.PLATFORM
            + ")");
  }
}
