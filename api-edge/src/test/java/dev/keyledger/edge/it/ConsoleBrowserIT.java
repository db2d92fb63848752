package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.testing.CustomerAccount;
import dev.keyledger.localkms.LocalKmsConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The admin console in headless Chromium against a whole dev-mode node (real broker, local-kms
 * through the real AWS SDK, the real edge): the customer's side is set up by the test with the
 * policies the page shows. With {@code -Dconsole.screenshots=DIR} it saves PNGs of the main pages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Sealing needs the remembered good health check (20 s) to expire first. */
  private static final Duration SEAL_WAIT = Duration.ofSeconds(90);

  @TempDir static Path dataDir;
  @TempDir static Path profile;
  private Optional<HeadlessChromium> chromium;
  private EdgeHarness kl;
  private ChromeDriver browser;
  private WebDriverWait wait;

  @BeforeAll
  void start() throws Exception {
    chromium = HeadlessChromium.installed();
    if (chromium.isPresent()) {
      kl = new EdgeHarness(dataDir);
    }
  }

  @BeforeEach
  void openBrowser() throws IOException {
    browser =
        HeadlessChromium.require(chromium).start(Files.createTempDirectory(profile, "chromium"));
    wait = new WebDriverWait(browser, WAIT);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (kl != null) {
      kl.close();
    }
  }

  @Test
  void anOwnerOnboardsAKeySeesItSealAndUnsealRotatesItAndReadsAnIntactAudit() throws Exception {
    String tenant = tenant();
    signIn(kl.token(tenant, "owner@" + tenant, Role.OWNER));
    wait.until(visibilityOfElementLocated(By.id("kms-none")));
    assertThat(text("whoami-tenant")).isEqualTo(tenant);

    // Add provider -> AWS KMS: the page shows the platform's identity and the policies to create
    String keyArn = kl.customer.keyWithDefaultPolicy();
    String aliasArn = kl.customer.alias(keyArn);
    String roleName = "KeyLedgerConsole-" + UUID.randomUUID().toString().substring(0, 8);
    String roleArn = "arn:aws:iam::" + CustomerAccount.ACCOUNT + ":role/" + roleName;
    click("add-provider");
    click("provider-aws");
    wait.until(textToBe(By.id("platform-account"), "000000000000"));
    assertThat(text("platform-principal"))
        .isEqualTo("arn:aws:iam::000000000000:role/keyledger-service");
    type("aws-key-ref", aliasArn);
    type("aws-role-arn", roleArn);
    click("generate-external-id");
    wait.until(d -> value("aws-external-id").matches("kl(-[a-z2-7]{6}){4}"));
    String externalId = value("aws-external-id");
    String trustPolicy = text("trust-policy");
    String keyPolicy = text("key-policy");
    assertThat(trustPolicy)
        .contains("\"sts:ExternalId\": \"" + externalId + "\"")
        .contains("arn:aws:iam::000000000000:root");
    assertThat(keyPolicy)
        .contains("\"kms:EncryptionContext:tenant_id\": \"" + tenant + "\"")
        .contains(roleArn)
        .contains("arn:aws:iam::" + CustomerAccount.ACCOUNT + ":root");
    screenshot("add-provider-aws", "aws-form");

    // the customer applies exactly those policies
    kl.customer.iam.createRole(r -> r.roleName(roleName).assumeRolePolicyDocument(trustPolicy));
    kl.customer.allowEncryptDecrypt(roleArn, keyArn);
    kl.customer.kms.putKeyPolicy(r -> r.keyId(keyArn).policyName("default").policy(keyPolicy));

    // a wrong external id: the refusal and its fix, inline
    type("aws-external-id", "kl-not-the-one-we-issued");
    click("verify-save");
    wait.until(visibilityOfElementLocated(By.id("onboard-error")));
    assertThat(find(By.cssSelector("#onboard-error .error-message")).getText())
        .contains("sts:AssumeRole");
    assertThat(find(By.cssSelector("#onboard-error .error-hint")).getText())
        .contains("sts:ExternalId condition must match the external_id you entered");
    screenshot("refusal", "onboard-error");
    assertThat(find(By.id("kms-status")).isDisplayed()).as("nothing was saved").isFalse();

    // the issued one: verified and saved, then the waiver
    click("generate-external-id");
    wait.until(d -> value("aws-external-id").equals(externalId));
    click("verify-save");
    wait.until(textToBe(By.id("kms-field-status"), "pending_waiver"));
    assertThat(find(By.id("onboard-error")).isDisplayed()).isFalse();
    assertThat(text("kms-field-key-ref")).isEqualTo(aliasArn);
    assertThat(text("kms-field-key-arn")).isEqualTo(keyArn);
    assertThat(text("kms-field-role-arn")).isEqualTo(roleArn);
    assertThat(text("kms-field-external-id")).isEqualTo(externalId);
    // The page's first read gave the tenant platform-managed keys (v1); onboarding added v2.
    // Newest first.
    assertThat(keyVersions())
        .extracting(WebElement::getText)
        .satisfiesExactly(
            v2 -> assertThat(v2).startsWith("2").contains("customer_kms"),
            v1 -> assertThat(v1).startsWith("1").contains("platform"));
    wait.until(visibilityOfElementLocated(By.id("waiver")));
    assertThat(find(By.id("waiver-submit")).isEnabled()).isFalse();
    click("waiver-accept");
    type("waiver-by", "cto@" + tenant + ".example");
    click("waiver-submit");
    wait.until(textToBe(By.id("kms-field-status"), "active"));
    assertThat(text("kms-field-wrap-method")).isNotEqualTo("—");
    screenshot("tenant-kms");
    assertTheKeyPolicyPinsTheRoleToTheTenant(roleArn, externalId, keyArn, tenant);

    // the customer removes the role's policy: the live health check fails and the banner shows
    kl.customer.removeInlinePolicy(roleArn);
    click("nav-health");
    new WebDriverWait(browser, SEAL_WAIT).until(visibilityOfElementLocated(By.id("sealed-banner")));
    assertThat(text("sealed-banner-text")).contains("kms:");
    wait.until(textToBe(By.id("health-status"), "unhealthy"));
    assertThat(text("health-fix")).isNotEqualTo("—");
    screenshot("sealed");
    click("nav-alerts");
    wait.until(d -> !rows("alerts-table").isEmpty());
    screenshot("alerts");

    // ... restores it: a good live check unseals and the banner goes away
    kl.customer.allowEncryptDecrypt(roleArn, keyArn);
    click("nav-health");
    new WebDriverWait(browser, SEAL_WAIT)
        .until(invisibilityOfElementLocated(By.id("sealed-banner")));
    wait.until(textToBe(By.id("health-status"), "healthy"));
    assertThat(text("health-latency-encrypt")).matches("\\d+ ms");
    assertThat(text("health-latency-decrypt")).matches("\\d+ ms");
    screenshot("health");

    // rotate: only with the tenant's slug typed and a step-up token
    click("nav-kms");
    wait.until(textToBe(By.id("kms-field-status"), "active"));
    click("action-rotate");
    wait.until(visibilityOfElementLocated(By.id("confirm-dialog")));
    assertThat(text("confirm-slug-expected")).isEqualTo(tenant);
    type("confirm-stepup", kl.stepUp(tenant, "owner@" + tenant, Role.OWNER));
    type("confirm-slug", tenant + "x");
    assertThat(find(By.id("confirm-submit")).isEnabled()).as("a wrong slug").isFalse();
    type("confirm-slug", tenant);
    wait.until(elementToBeClickable(By.id("confirm-submit")));
    screenshot("rotate-confirmation", "confirm-dialog");
    click("confirm-submit");
    wait.until(invisibilityOfElementLocated(By.id("confirm-dialog")));
    wait.until(d -> keyVersions().size() == 3);
    assertThat(text("notice")).contains("Rotated");

    // the audit: filtered by operation, and the chain verified
    click("nav-audit");
    wait.until(attributeContains(By.id("chain-badge"), "class", "ok"));
    assertThat(text("chain-badge")).startsWith("Hash chain intact");
    wait.until(d -> !rows("audit-table").isEmpty());
    screenshot("audit");
    type("audit-operation", "create_tmk_version");
    click("audit-apply");
    // v1 (platform-managed, at the page's first read), v2 (onboarding), v3 (the rotation)
    wait.until(
        d ->
            rows("audit-table").size() == 3
                && rows("audit-table").stream()
                    .allMatch(r -> cell(r, 2).equals("create_tmk_version")));

    // paging by cursor: ten at a time, newest first (the journey wrote more than ten entries)
    type("audit-operation", "");
    new Select(find(By.id("audit-limit"))).selectByValue("10");
    click("audit-apply");
    wait.until(d -> rows("audit-table").size() == 10);
    long newest = Long.parseLong(cell(rows("audit-table").get(0), 0));
    long oldestOnFirst = Long.parseLong(cell(rows("audit-table").get(9), 0));
    click("audit-next");
    wait.until(
        d ->
            !rows("audit-table").isEmpty()
                && Long.parseLong(cell(rows("audit-table").get(0), 0)) == oldestOnFirst - 1);
    click("audit-first");
    // the rewrap after the rotation may have appended entries meanwhile: the first page starts
    // there
    wait.until(
        d ->
            rows("audit-table").size() == 10
                && Long.parseLong(cell(rows("audit-table").get(0), 0)) >= newest);
  }

  @Test
  void anAuditorReadsEverythingButSeesNoWriteControls() throws Exception {
    String tenant = tenant();
    onboardByHttp(tenant);
    signIn(kl.token(tenant, "auditor@" + tenant, Role.AUDITOR));
    wait.until(textToBe(By.id("kms-field-status"), "pending_waiver"));
    assertThat(keyVersions())
        .as("the platform-managed v1 the onboarding made first, and the CMK's v2 that waits")
        .hasSize(2);
    for (String write :
        List.of("add-provider", "action-rotate", "action-unseal", "revoke-controls", "aws-form")) {
      assertThat(find(By.id(write)).isDisplayed()).as(write).isFalse();
    }
    assertThat(find(By.id("waiver")).isDisplayed()).isFalse();
    click("nav-audit");
    wait.until(attributeContains(By.id("chain-badge"), "class", "ok"));
    wait.until(d -> !rows("audit-table").isEmpty());
  }

  @Test
  void everyFieldHasALabelEveryControlTakesTheKeyboardAndANarrowWindowNeedsNoSideScroll()
      throws Exception {
    String tenant = tenant();
    signIn(kl.token(tenant, "admin@" + tenant, Role.ADMIN));
    click("add-provider");
    click("provider-aws");
    wait.until(visibilityOfElementLocated(By.id("aws-form")));

    Object unlabelled =
        script(
            "return [...document.querySelectorAll('input, select, textarea')]"
                + ".filter(e => e.type !== 'hidden' && e.labels.length === 0"
                + " && !e.getAttribute('aria-label')).map(e => e.id);");
    assertThat((List<?>) unlabelled).as("fields without a label").isEmpty();
    Object unreachable =
        script(
            "return [...document.querySelectorAll('button, input, select, textarea, a[href]')]"
                + ".filter(e => e.tabIndex < 0).map(e => e.id || e.textContent);");
    assertThat((List<?>) unreachable).as("controls out of the tab order").isEmpty();
    find(By.id("aws-region")).sendKeys(org.openqa.selenium.Keys.TAB);
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("aws-key-ref");

    browser.manage().window().setSize(new Dimension(390, 800));
    wait.until(
        d ->
            (Boolean)
                script(
                    "return document.documentElement.scrollWidth <= window.innerWidth"
                        + " && document.getElementById('verify-save').getBoundingClientRect().right"
                        + " <= window.innerWidth;"));
    screenshot("narrow-window");
    browser.manage().window().setSize(new Dimension(1280, 800));
  }

  /**
   * The key policy the page showed lets the role use the key under this tenant's encryption context
   * only: another tenant's context is an explicit deny.
   */
  private void assertTheKeyPolicyPinsTheRoleToTheTenant(
      String roleArn, String externalId, String keyArn, String tenant) {
    LocalKmsConfig platform = LocalKmsConfig.defaults();
    try (SdkHttpClient http = UrlConnectionHttpClient.create();
        StsClient sts =
            StsClient.builder()
                .endpointOverride(kl.kms.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(http)
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(
                            platform.platformAccessKeyId(), platform.platformSecretAccessKey())))
                .build()) {
      Credentials session =
          sts.assumeRole(
                  r -> r.roleArn(roleArn).roleSessionName("console-it").externalId(externalId))
              .credentials();
      try (KmsClient asRole =
          KmsClient.builder()
              .endpointOverride(kl.kms.endpoint())
              .region(Region.US_EAST_1)
              .httpClient(http)
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsSessionCredentials.create(
                          session.accessKeyId(),
                          session.secretAccessKey(),
                          session.sessionToken())))
              .build()) {
        SdkBytes plaintext = SdkBytes.fromUtf8String("pinned");
        assertThat(
                asRole
                    .encrypt(
                        r ->
                            r.keyId(keyArn)
                                .plaintext(plaintext)
                                .encryptionContext(Map.of("tenant_id", tenant)))
                    .ciphertextBlob())
            .isNotNull();
        assertThatThrownBy(
                () ->
                    asRole.encrypt(
                        r ->
                            r.keyId(keyArn)
                                .plaintext(plaintext)
                                .encryptionContext(Map.of("tenant_id", "another-tenant"))))
            .isInstanceOf(KmsException.class)
            .hasMessageContaining("explicit deny");
      }
    }
  }

  private void onboardByHttp(String tenant) throws IOException {
    String admin = kl.token(tenant, "admin@" + tenant, Role.ADMIN);
    String keyArn = kl.customer.keyWithDefaultPolicy();
    String externalId =
        kl.http().get("/admin/tenant-kms/external-id", admin).body().path("external_id").asText();
    String roleArn = kl.customer.roleTrustingPlatform(externalId);
    kl.customer.allowEncryptDecrypt(roleArn, keyArn);
    Http.Response response =
        kl.http()
            .post(
                "/admin/tenant-kms",
                admin,
                "{\"provider\":\"aws\",\"kms_key_ref\":\""
                    + keyArn
                    + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\""
                    + roleArn
                    + "\",\"external_id\":\""
                    + externalId
                    + "\"}}");
    assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
  }

  private void signIn(String token) {
    browser.get("http://127.0.0.1:" + kl.httpPort() + "/console");
    wait.until(visibilityOfElementLocated(By.id("token")));
    assertThat(browser.getCurrentUrl()).endsWith("/console/");
    type("token", token);
    click("signin-submit");
    wait.until(visibilityOfElementLocated(By.id("nav")));
    assertThat(browser.getCurrentUrl()).doesNotContain(token);
  }

  private List<WebElement> keyVersions() {
    return rows("kms-keys");
  }

  private List<WebElement> rows(String table) {
    return browser.findElements(By.cssSelector("#" + table + " tbody tr"));
  }

  private static String cell(WebElement row, int index) {
    return row.findElements(By.tagName("td")).get(index).getText();
  }

  private WebElement find(By by) {
    return browser.findElement(by);
  }

  private String text(String id) {
    return find(By.id(id)).getText();
  }

  private String value(String id) {
    return find(By.id(id)).getDomProperty("value");
  }

  private void click(String id) {
    wait.until(elementToBeClickable(By.id(id))).click();
  }

  private void type(String id, String value) {
    WebElement field = wait.until(visibilityOfElementLocated(By.id(id)));
    field.clear();
    field.sendKeys(value);
  }

  private Object script(String js) {
    return ((JavascriptExecutor) browser).executeScript(js);
  }

  /** A PNG of the page from its top (with the banner and the navigation). */
  private void screenshot(String name) throws IOException {
    screenshot(name, null);
  }

  /** A PNG with element {@code id} at the top of the window, or from the top when null. */
  private void screenshot(String name, String id) throws IOException {
    File dir = HeadlessChromium.screenshotDir().orElse(null);
    if (dir == null) {
      return;
    }
    if (id == null) {
      script("window.scrollTo(0, 0);");
    } else {
      ((JavascriptExecutor) browser)
          .executeScript(
              "arguments[0].scrollIntoView({block: 'start'});", browser.findElement(By.id(id)));
    }
    Files.createDirectories(dir.toPath());
    Files.write(dir.toPath().resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
