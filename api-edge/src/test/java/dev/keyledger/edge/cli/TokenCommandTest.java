package dev.keyledger.edge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.edge.auth.HmacTokenVerifier;
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.StepUpVerifier;
import dev.keyledger.edge.auth.TokenVerifier;
import dev.keyledger.edge.auth.VerifiedToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TokenCommandTest {

  @TempDir Path dataDir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void printsAnAccessTokenThatTheDataDirsVerifierAccepts() throws IOException {
    int exit =
        run(
            "token",
            "--data-dir",
            dataDir.toString(),
            "--org",
            "acme",
            "--sub",
            "alice",
            "--roles",
            "owner,auditor");

    assertThat(exit).isZero();
    Principal principal = verifier().verifyAccess(lastLine(out));
    assertThat(principal)
        .isEqualTo(new Principal("alice", "acme", Set.of(Role.OWNER, Role.AUDITOR)));
    assertThat(err.toString()).contains("Access token for sub=alice org=acme, valid 12h");
  }

  @Test
  void aSecretFileSignsWithAServeClustersSecretAndABadOneIsAUsageError() throws IOException {
    byte[] secret = new byte[32];
    java.util.Arrays.fill(secret, (byte) 7);
    Path file = dataDir.resolve("jwt.key");
    java.nio.file.Files.writeString(file, java.util.Base64.getEncoder().encodeToString(secret));

    int exit =
        run(
            "token",
            "--secret-file",
            file.toString(),
            "--org",
            "acme",
            "--sub",
            "a",
            "--roles",
            "admin");

    assertThat(exit).isZero();
    TokenVerifier cluster = HmacTokenVerifier.forDev(JwtKeys.of(secret), Clock.systemUTC());
    assertThat(cluster.verifyAccess(lastLine(out)).org()).isEqualTo("acme");
    java.nio.file.Files.writeString(file, "c2hvcnQ=");
    assertThat(
            run(
                "token",
                "--secret-file",
                file.toString(),
                "--org",
                "acme",
                "--sub",
                "a",
                "--roles",
                "admin"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("must hold base64 of at least 32 bytes");
  }

  @Test
  void ttlSetsTheLifetime() throws IOException {
    int exit =
        run(
            "token",
            "--data-dir",
            dataDir.toString(),
            "--org",
            "acme",
            "--sub",
            "alice",
            "--roles",
            "admin",
            "--ttl",
            "30m");

    assertThat(exit).isZero();
    VerifiedToken token = verifier().verify(lastLine(out));
    assertThat(Duration.between(token.issuedAt(), token.expiresAt()))
        .isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void stepUpTokenPassesTheStepUpCheck() throws IOException {
    int exit =
        run(
            "token",
            "--data-dir",
            dataDir.toString(),
            "--org",
            "acme",
            "--sub",
            "alice",
            "--roles",
            "owner",
            "--step-up");

    assertThat(exit).isZero();
    new StepUpVerifier(verifier(), Clock.systemUTC())
        .verify(
            new Principal("alice", "acme", Set.of(Role.OWNER)),
            lastLine(out),
            StepUpVerifier.UNSEAL_WINDOW);
  }

  @Test
  void unknownRoleIsAUsageError() {
    int exit =
        run(
            "token",
            "--data-dir",
            dataDir.toString(),
            "--org",
            "acme",
            "--sub",
            "alice",
            "--roles",
            "owner,root");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown role 'root'; expected one of owner, admin, auditor, agent, platform");
    assertThat(out.toString()).isEmpty();
    assertThat(dataDir.resolve("secrets")).doesNotExist();
  }

  @Test
  void badTtlAndTtlWithStepUpAreUsageErrors() {
    assertThat(
            run(
                "token",
                "--data-dir",
                dataDir.toString(),
                "--org",
                "acme",
                "--sub",
                "a",
                "--roles",
                "owner",
                "--ttl",
                "soon"))
        .isEqualTo(2);
    assertThat(
            run(
                "token",
                "--data-dir",
                dataDir.toString(),
                "--org",
                "acme",
                "--sub",
                "a",
                "--roles",
                "owner",
                "--ttl",
                "0s"))
        .isEqualTo(2);
    assertThat(
            run(
                "token",
                "--data-dir",
                dataDir.toString(),
                "--org",
                "acme",
                "--sub",
                "a",
                "--roles",
                "owner",
                "--step-up",
                "--ttl",
                "1h"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "not a duration; write 30s, 5m, 12h or 7d", "--ttl does not apply to step-up tokens");
    assertThat(out.toString()).isEmpty();
  }

  private int run(String... args) {
    CommandLine cli = KeyLedgerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private TokenVerifier verifier() throws IOException {
    return HmacTokenVerifier.forDev(JwtKeys.loadOrCreate(dataDir), Clock.systemUTC());
  }

  private static String lastLine(StringWriter writer) {
    List<String> lines = writer.toString().lines().toList();
    return lines.get(lines.size() - 1);
  }
}
