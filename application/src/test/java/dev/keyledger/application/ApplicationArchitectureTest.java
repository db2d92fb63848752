package dev.keyledger.application;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Fences of the application module. The use cases and ports ({@code dev.keyledger.application},
 * without subpackages, including {@link Outcome}) are transport-agnostic: Kafka lives behind the
 * adapters of {@code application.kafka} and the composition of the engine in {@code
 * application.runtime}; HTTP lives in api-edge.
 */
@AnalyzeClasses(
    packages = "dev.keyledger.application",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ApplicationArchitectureTest {

  private static final String USE_CASES =
      "dev.keyledger.application"; // exactly this package, no subpackages
  private static final String KAFKA_ADAPTERS = "dev.keyledger.application.kafka..";
  private static final String RUNTIME = "dev.keyledger.application.runtime..";

  @ArchTest
  static final ArchRule useCasesAreTransportAgnostic =
      noClasses()
          .that()
          .resideInAPackage(USE_CASES)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.kafka..", "io.javalin..", KAFKA_ADAPTERS, RUNTIME)
          .because(
              "use cases and ports (Outcome included) speak in domain terms; Kafka is reached through the ports"
                  + " implemented in application.kafka and wired in application.runtime");

  @ArchTest
  static final ArchRule kafkaAdaptersDoNotUseTheRuntime =
      noClasses()
          .that()
          .resideInAPackage(KAFKA_ADAPTERS)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(RUNTIME)
          .because(
              "application.runtime composes the adapters; the adapters must not depend on their composition");

  @ArchTest
  static final ArchRule layers =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("UseCases")
          .definedBy(USE_CASES)
          .layer("KafkaAdapters")
          .definedBy(KAFKA_ADAPTERS)
          .layer("Runtime")
          .definedBy(RUNTIME)
          .whereLayer("UseCases")
          .mayNotAccessAnyLayer()
          .whereLayer("KafkaAdapters")
          .mayOnlyAccessLayers("UseCases")
          .whereLayer("Runtime")
          .mayNotBeAccessedByAnyLayer()
          .because(
              "use cases <- Kafka adapters (implement the ports) <- runtime (composes everything)");

  @ArchTest
  static final ArchRule noLocalKms =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.keyledger.localkms..")
          .because(
              "local-kms is the AWS KMS emulator for tests and dev mode; only api-edge's dev/CLI wiring may use it");

  @ArchTest
  static final ArchRule noWebOrEdge =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.javalin..", "dev.keyledger.edge..")
          .because(
              "HTTP (Javalin) and the api-edge module sit above the application; use cases must not know about them");

  @ArchTest
  static final ArchRule noEdgeExceptions =
      noClasses()
          .should()
          .dependOnClassesThat(
              JavaClass.Predicates.resideInAPackage("dev.keyledger.edge..")
                  .and(JavaClass.Predicates.simpleNameEndingWith("Exception")))
          .because(
              "use cases report refusals as Outcome values, not as the edge's HTTP exceptions (ApiException & co.)");

  @ArchTest
  static final ArchRule foldProcessorIsEngineInternal =
      noClasses()
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("dev.keyledger.engine.topology.CommandFoldProcessor")
          .because(
              "CommandFoldProcessor is an internal of the engine's Streams fold; use LifecycleTopology and Topics");
}
