package dev.keyledger.envelope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Fences of the envelope module: the format is shared by the server and the Java client, so it
 * depends on the JDK only, never on another KeyLedger module or a library.
 */
@AnalyzeClasses(
    packages = "dev.keyledger.envelope",
    importOptions = ImportOption.DoNotIncludeTests.class)
class EnvelopeArchitectureTest {

  @ArchTest
  static final ArchRule onlyTheJdk =
      classes()
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "dev.keyledger.envelope..", "java..", "javax.crypto..", "javax.security..")
          .because(
              "the client links this module: it must not pull the engine, Kafka, Avro or the AWS SDK");
}
