package dev.keyledger.localkms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class LocalKmsStartTest {

  @Test
  void portZeroPicksAnEphemeralPortAndTheEndpointNamesIt() throws IOException {
    try (LocalKms kms = LocalKms.start(LocalKmsConfig.defaults().withPort(0))) {
      assertThat(kms.port()).isPositive();
      assertThat(kms.endpoint().toString()).isEqualTo("http://127.0.0.1:" + kms.port());
    }
  }

  @Test
  void aTakenPortIsAClearOneLineError() throws IOException {
    try (LocalKms first = LocalKms.start(LocalKmsConfig.defaults().withPort(0))) {
      assertThatThrownBy(() -> LocalKms.start(LocalKmsConfig.defaults().withPort(first.port())))
          .isInstanceOf(PortInUseException.class)
          .hasMessage(
              "local-kms cannot listen on 127.0.0.1:"
                  + first.port()
                  + ": the port is already in use");
    }
  }

  @Test
  void closingTwiceIsHarmless() throws IOException {
    LocalKms kms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
    kms.close();
    kms.close();
  }

  @Test
  void defaultsAreTheDevModeOnes() {
    LocalKmsConfig d = LocalKmsConfig.defaults();
    assertThat(d.host()).isEqualTo("127.0.0.1");
    assertThat(d.port()).isEqualTo(4566);
    assertThat(d.dataDir()).isNull();
    assertThat(d.platformPrincipalArn())
        .isEqualTo("arn:aws:iam::000000000000:role/keyledger-service");
    assertThat(d.customerAccountId()).isEqualTo("111122223333");
    assertThat(d.toString()).doesNotContain("keyledger-dev-secret");
  }
}
