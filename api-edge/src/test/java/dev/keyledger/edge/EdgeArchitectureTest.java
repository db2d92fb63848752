package dev.keyledger.edge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.conditions.ArchConditions;

/**
 * Fences of the HTTP edge. Javalin stays in the controllers, the HTTP helpers, the auth filter and
 * the composition root; the controllers call the application's use cases, never Kafka or the
 * engine's key/KMS/crypto machinery; the local KMS emulator is wired only by the dev/CLI commands.
 */
@AnalyzeClasses(
    packages = "dev.keyledger.edge",
    importOptions = ImportOption.DoNotIncludeTests.class)
class EdgeArchitectureTest {

  private static final String API = "dev.keyledger.edge.api..";
  private static final String HTTP = "dev.keyledger.edge.http..";
  private static final String AUTH = "dev.keyledger.edge.auth..";
  private static final String NODE = "dev.keyledger.edge.node..";
  private static final String CLI = "dev.keyledger.edge.cli..";
  private static final String DEV = "dev.keyledger.edge.dev..";

  /** KeyLedgerApp with its nested types (Controllers). */
  private static final DescribedPredicate<JavaClass> APP =
      JavaClass.Predicates.belongToAnyOf(KeyLedgerApp.class);

  private static final String[] FORBIDDEN_FOR_CONTROLLERS = {
    "org.apache.kafka..",
    "dev.keyledger.application.kafka..",
    "dev.keyledger.engine.kms..",
    "dev.keyledger.engine.keys..",
    "dev.keyledger.engine.crypto..",
    "dev.keyledger.envelope.."
  };

  private static final DescribedPredicate<Dependency> ALLOWED_FOR_CONTROLLERS =
      DescribedPredicate.describe(
          "target is not in " + String.join(", ", FORBIDDEN_FOR_CONTROLLERS),
          d ->
              !JavaClass.Predicates.resideInAnyPackage(FORBIDDEN_FOR_CONTROLLERS)
                  .test(d.getTargetClass().getBaseComponentType()));

  @ArchTest
  static final ArchRule javalinStaysAtTheHttpLayer =
      noClasses()
          .that()
          .resideOutsideOfPackages(API, HTTP, AUTH, NODE)
          .and(DescribedPredicate.not(APP))
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.javalin..")
          .because(
              "Javalin is used by the controllers (api), the HTTP helpers (http), the auth filter (auth, Context),"
                  + " KeyLedgerApp and the composition root (node: EdgeServer, KeyLedgerNode); cli, config, dev and ratelimit"
                  + " are web-framework free");

  @ArchTest
  static final ArchRule apiExceptionOnlyInControllersAndHttp =
      noClasses()
          .that()
          .resideOutsideOfPackages(API, HTTP)
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("dev.keyledger.edge.http.ApiException")
          .because(
              "ApiException is the controllers' way to answer with an HTTP error, mapped by http.ErrorHandlers;"
                  + " use cases return Outcome values and auth has its own AuthException");

  @ArchTest
  static final ArchRule localKmsOnlyInDevAndCliWiring =
      noClasses()
          .that()
          .resideOutsideOfPackages(CLI, DEV)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.keyledger.localkms..")
          .because(
              "the local KMS emulator is started only by the dev/CLI commands (`dev`, `kms`); a served node talks to"
                  + " AWS KMS through the engine");

  @ArchTest
  static final ArchRule localKmsInternalsAreNotUsed =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.keyledger.localkms.internal..")
          .because("the CLI starts the emulator through its public API (LocalKms, LocalKmsConfig)");

  @ArchTest
  static final ArchRule controllersCallUseCases =
      classes()
          .that()
          .resideInAPackage(API)
          .should(ArchConditions.onlyHaveDependenciesWhere(ALLOWED_FOR_CONTROLLERS))
          .because(
              "controllers translate HTTP to use-case calls (dev.keyledger.application); Kafka, the Kafka adapters and"
                  + " the engine's kms/keys/crypto are reached through the use cases only");

  @ArchTest
  static final ArchRule edgeLayers =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("Cli")
          .definedBy(CLI)
          .layer("Node")
          .definedBy(NODE)
          .layer("App")
          .definedBy(APP)
          .layer("Config")
          .definedBy("dev.keyledger.edge.config..")
          .layer("Dev")
          .definedBy(DEV)
          .layer("Api")
          .definedBy(API)
          .layer("Http")
          .definedBy(HTTP)
          .layer("Auth")
          .definedBy(AUTH)
          .layer("RateLimit")
          .definedBy("dev.keyledger.edge.ratelimit..")
          .whereLayer("Cli")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("Api")
          .mayOnlyAccessLayers("Http", "Auth", "RateLimit")
          .whereLayer("Http")
          .mayOnlyAccessLayers("Auth")
          .whereLayer("Auth")
          .mayNotAccessAnyLayer()
          .whereLayer("RateLimit")
          .mayNotAccessAnyLayer()
          .whereLayer("Dev")
          .mayNotAccessAnyLayer()
          .because(
              "the controllers and HTTP helpers do not reach up into the composition root (node, config, cli, dev)");
}
