package dev.keyledger.localkms;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Fences of the AWS KMS emulator: a stand-alone module (JDK HTTP server + Jackson) that knows
 * nothing of KeyLedger.
 */
@AnalyzeClasses(
    packages = "dev.keyledger.localkms",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LocalKmsArchitectureTest {

  @ArchTest
  static final ArchRule noWebOrEdge =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.javalin..", "dev.keyledger.edge..")
          .because(
              "the emulator serves the AWS KMS wire protocol with the JDK's HTTP server; Javalin and api-edge are"
                  + " KeyLedger's own HTTP edge");

  @ArchTest
  static final ArchRule noOtherKeyLedgerModule =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.keyledger.engine..",
              "dev.keyledger.application..",
              "dev.keyledger.projections..",
              "dev.keyledger.client..")
          .because(
              "the emulator stands in for AWS KMS and must not depend on the code it is used to test");
}
