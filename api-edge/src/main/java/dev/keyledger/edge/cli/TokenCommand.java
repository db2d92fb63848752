package dev.keyledger.edge.cli;

import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code keyledger token}: mints a token signed with the dev secret of a data dir, so a dev
 * instance on that dir accepts it. The token is the last line of standard output; a human summary
 * goes to standard error. Unknown roles, a bad TTL or {@code --ttl} with {@code --step-up} are
 * usage errors (exit 2).
 */
@Command(
    name = "token",
    sortOptions = false,
    description =
        "Mint a dev-mode access token (or, with --step-up, a step-up token for X-Step-Up).")
public final class TokenCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "./keyledger-data",
      description =
          "Data dir of the dev instance that must accept the token (default: ${DEFAULT-VALUE}).")
  private Path dataDir;

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description =
          "The HS256 secret file of a serve cluster (its auth.jwt.secret.file), instead of the"
              + " data dir's secret.")
  private Path secretFile;

  @Option(
      names = "--org",
      paramLabel = "ORG",
      required = true,
      description = "Tenant id (the org claim).")
  private String org;

  @Option(
      names = "--sub",
      paramLabel = "SUB",
      required = true,
      description = "Subject (user or agent id).")
  private String sub;

  @Option(
      names = "--roles",
      paramLabel = "ROLE",
      required = true,
      split = ",",
      converter = RoleConverter.class,
      description = "Comma-separated roles: owner, admin, auditor, agent, platform.")
  private List<Role> roles;

  @Option(
      names = "--step-up",
      description = "Mint a step-up token (valid 5 minutes) instead of an access token.")
  private boolean stepUp;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Access token lifetime, e.g. 30m, 12h, 7d (default: 12h).")
  private Duration ttl;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  @Override
  public Integer call() throws IOException {
    if (stepUp && ttl != null) {
      throw new ParameterException(
          spec.commandLine(), "--ttl does not apply to step-up tokens (always 5 minutes)");
    }
    if (org.isBlank() || sub.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--org and --sub must not be blank");
    }
    Principal principal = new Principal(sub, org, Set.copyOf(roles));
    JwtKeys keys = secretFile == null ? JwtKeys.loadOrCreate(dataDir) : secretOf(secretFile);
    TokenIssuer issuer = new TokenIssuer(keys, Clock.systemUTC());
    Duration lifetime =
        stepUp ? TokenIssuer.STEP_UP_TTL : ttl == null ? TokenIssuer.DEFAULT_ACCESS_TTL : ttl;
    String token = stepUp ? issuer.issueStepUp(principal) : issuer.issueAccess(principal, lifetime);
    spec.commandLine()
        .getErr()
        .printf(
            "%s token for sub=%s org=%s, valid %s:%n",
            stepUp ? "Step-up" : "Access",
            sub,
            org,
            lifetime.toString().substring(2).toLowerCase(Locale.ROOT));
    spec.commandLine().getOut().println(token);
    spec.commandLine().getOut().flush();
    return 0;
  }

  private JwtKeys secretOf(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    byte[] secret = null;
    try {
      secret = Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).strip());
      return JwtKeys.of(secret);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--secret-file "
              + file
              + " must hold base64 of at least 32 bytes (openssl rand -base64 32)");
    } finally {
      Arrays.fill(raw, (byte) 0);
      if (secret != null) {
        Arrays.fill(secret, (byte) 0);
      }
    }
  }

  /** Parses one role wire name. */
  static final class RoleConverter implements ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      return Role.fromWireName(value.strip())
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "unknown role '" + value + "'; expected one of " + Role.wireNames()));
    }
  }
}
