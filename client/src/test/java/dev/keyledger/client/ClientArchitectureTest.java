package dev.keyledger.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Fences of the Java client: it speaks the HTTP API over java.net.http and shares no code with the
 * server except the JDK-only data envelope format ({@code dev.keyledger.envelope}), which it needs
 * to encrypt locally with a leased data key.
 */
@AnalyzeClasses(
    packages = "dev.keyledger.client",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ClientArchitectureTest {

  @ArchTest
  static final ArchRule noWebOrEdge =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.javalin..", "dev.keyledger.edge..")
          .because(
              "the client talks to the edge over HTTP only; it must not link Javalin or the server's edge classes");

  @ArchTest
  static final ArchRule noServerModule =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.keyledger.engine..",
              "dev.keyledger.application..",
              "dev.keyledger.projections..",
              "dev.keyledger.localkms..",
              "dev.keyledger.avro..",
              "dev.keyledger.schemas..",
              "org.apache.kafka..")
          .because(
              "the client is a thin HTTP client (JDK + Jackson + the envelope format); server internals are not its API");
}
