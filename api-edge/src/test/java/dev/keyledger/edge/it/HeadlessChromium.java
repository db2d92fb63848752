package dev.keyledger.edge.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's Chromium driven through its own chromedriver (Debian's {@code chromium} and {@code
 * chromium-driver}): headless, 1280x800. Selenium is given both executables, so it never downloads
 * a browser or a driver. Without them the calling test is skipped, except under {@code CI=true},
 * where that is a failure.
 */
final class HeadlessChromium {

  private static final List<String> BROWSERS =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
  private static final List<String> DRIVERS =
      List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  private final Path browser;
  private final Path driver;

  private HeadlessChromium(Path browser, Path driver) {
    this.browser = browser;
    this.driver = driver;
  }

  /** The installed browser and driver, if both are there. */
  static Optional<HeadlessChromium> installed() {
    Optional<Path> browser = executable("CHROMIUM_BIN", BROWSERS);
    Optional<Path> driver = executable("CHROMEDRIVER_BIN", DRIVERS);
    return browser.isPresent() && driver.isPresent()
        ? Optional.of(new HeadlessChromium(browser.get(), driver.get()))
        : Optional.empty();
  }

  /**
   * {@code installed}, or the calling test is skipped (failed under {@code CI=true}) naming what is
   * missing.
   */
  static HeadlessChromium require(Optional<HeadlessChromium> installed) {
    if (installed.isEmpty()) {
      String missing =
          "the console's browser tests need Chromium and chromedriver (apt-get install chromium"
              + " chromium-driver, or set CHROMIUM_BIN and CHROMEDRIVER_BIN); looked for "
              + BROWSERS
              + " and "
              + DRIVERS;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true: " + missing);
      }
      assumeTrue(false, "skipped: " + missing);
    }
    return installed.get();
  }

  /** A new headless browser session with its profile in {@code profile}. */
  ChromeDriver start(Path profile) {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments(
        "--headless=new",
        "--window-size=1280,800",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--user-data-dir=" + profile.toAbsolutePath());
    return new ChromeDriver(service, options);
  }

  private static Optional<Path> executable(String variable, List<String> candidates) {
    String configured = System.getenv(variable);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
  }

  /** Where screenshots go ({@code -Dconsole.screenshots=DIR}), or empty for none. */
  static Optional<File> screenshotDir() {
    String dir = System.getProperty("console.screenshots");
    return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(new File(dir));
  }
}
