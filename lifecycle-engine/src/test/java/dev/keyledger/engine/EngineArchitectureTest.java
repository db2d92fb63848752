package dev.keyledger.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.InstantSource;
import java.util.Random;
import java.util.UUID;

/**
 * Fences of the lifecycle engine. The domain is the pure decide/evolve core: replaying the same
 * commands over the same state must give the same events on every node, so it may not read a clock,
 * draw randomness, do I/O, talk to Kafka or AWS, or reach into the engine's adapters.
 */
@AnalyzeClasses(
    packages = "dev.keyledger.engine",
    importOptions = ImportOption.DoNotIncludeTests.class)
class EngineArchitectureTest {

  private static final String DOMAIN = "dev.keyledger.engine.domain..";
  private static final String COMMAND_FOLD_PROCESSOR =
      "dev.keyledger.engine.topology.CommandFoldProcessor";

  /**
   * Any static {@code now(...)} of java.time (Instant, LocalDateTime, ZonedDateTime, ...), with or
   * without a Clock.
   */
  private static final DescribedPredicate<JavaMethodCall> JAVA_TIME_NOW =
      DescribedPredicate.describe(
          "java.time.*.now(..)",
          call ->
              call.getTargetOwner().getPackageName().equals("java.time")
                  && call.getName().equals("now"));

  private static final DescribedPredicate<JavaClass> FILE_OR_NETWORK_IO =
      DescribedPredicate.describe(
          "do file or network I/O (java.io.File*, java.io.RandomAccessFile, java.nio.file.., java.nio.channels.., java.net..)",
          c ->
              (c.getPackageName().equals("java.io")
                      && (c.getSimpleName().startsWith("File")
                          || c.getSimpleName().equals("RandomAccessFile")))
                  || c.getPackageName().startsWith("java.nio.file")
                  || c.getPackageName().startsWith("java.nio.channels")
                  || c.getPackageName().equals("java.net")
                  || c.getPackageName().startsWith("java.net."));

  @ArchTest
  static final ArchRule domainDoesNotUseKafka =
      noClasses()
          .that()
          .resideInAPackage(DOMAIN)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.apache.kafka..")
          .because(
              "the domain is pure decide/evolve; the Kafka Streams fold lives in ..engine.topology..");

  @ArchTest
  static final ArchRule domainDoesNotUseAws =
      noClasses()
          .that()
          .resideInAPackage(DOMAIN)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("software.amazon..")
          .because(
              "the domain decides on recorded facts; talking to AWS KMS is the job of ..engine.kms.. and the workers");

  @ArchTest
  static final ArchRule domainDoesNoIo =
      noClasses()
          .that()
          .resideInAPackage(DOMAIN)
          .should()
          .dependOnClassesThat(FILE_OR_NETWORK_IO)
          .because(
              "the domain is a pure function of (state, command); I/O belongs to the adapters");

  @ArchTest
  static final ArchRule domainIsDeterministic =
      noClasses()
          .that()
          .resideInAPackage(DOMAIN)
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Clock.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(InstantSource.class)
          .orShould()
          .callMethodWhere(JAVA_TIME_NOW)
          .orShould()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .callMethod(Math.class, "random")
          .orShould()
          .callMethod(UUID.class, "randomUUID")
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(Random.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(SecureRandom.class)
          .because(
              "every node replays the same commands to the same events: time comes from the command envelope and ids"
                  + " are derived (e.g. UUID.nameUUIDFromBytes), never read from a clock or drawn at random");

  @ArchTest
  static final ArchRule domainUsesNoOtherEnginePackage =
      noClasses()
          .that()
          .resideInAPackage(DOMAIN)
          .should()
          .dependOnClassesThat(
              JavaClass.Predicates.resideInAPackage("dev.keyledger.engine..")
                  .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage(DOMAIN))))
          .because(
              "the domain is the innermost layer: topology, keys, kms, crypto and workers depend on it, not the other"
                  + " way round (it may use only the Avro records of dev.keyledger.avro.. and dev.keyledger.schemas..)");

  @ArchTest
  static final ArchRule domainUsesOnlyAnAllowList =
      classes()
          .that()
          .resideInAPackage(DOMAIN)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              DOMAIN,
              "dev.keyledger.avro..",
              "dev.keyledger.schemas..",
              "org.apache.avro..",
              "java.lang..",
              "java.util..",
              "java.time..",
              "java.math..",
              "java.text..",
              "java.nio",
              "java.nio.charset..")
          .because(
              "the domain sees only its own types, the Avro records, the schema helpers and core JDK value types");

  @ArchTest
  static final ArchRule foldProcessorIsInternalToTopology =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.keyledger.engine.topology..")
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName(COMMAND_FOLD_PROCESSOR)
          .because(
              "CommandFoldProcessor is an internal of the Streams fold; others use LifecycleTopology and Topics");

  @ArchTest
  static final ArchRule enginePackagesAreLayered =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("Domain")
          .definedBy(DOMAIN)
          .layer("Topology")
          .definedBy("dev.keyledger.engine.topology..")
          .optionalLayer("Envelope")
          .definedBy("dev.keyledger.envelope..")
          .layer("Crypto")
          .definedBy("dev.keyledger.engine.crypto..")
          .layer("Kms")
          .definedBy("dev.keyledger.engine.kms..")
          .layer("Keys")
          .definedBy("dev.keyledger.engine.keys..")
          .layer("Workers")
          .definedBy("dev.keyledger.engine.workers..")
          .whereLayer("Domain")
          .mayNotAccessAnyLayer()
          .whereLayer("Crypto")
          .mayOnlyAccessLayers("Envelope")
          .whereLayer("Kms")
          .mayNotAccessAnyLayer()
          .whereLayer("Topology")
          .mayOnlyAccessLayers("Domain")
          .whereLayer("Keys")
          .mayOnlyAccessLayers("Domain", "Envelope", "Crypto", "Kms")
          .whereLayer("Workers")
          .mayOnlyAccessLayers("Domain", "Envelope", "Crypto", "Kms", "Keys")
          .whereLayer("Workers")
          .mayNotBeAccessedByAnyLayer()
          .because(
              "the fold (topology) knows only the domain; crypto builds on the shared data format (envelope module);"
                  + " key handling builds on crypto and kms; the workers sit on top");

  @ArchTest
  static final ArchRule noWebOrEdge =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.javalin..", "dev.keyledger.edge..")
          .because(
              "HTTP (Javalin) and the api-edge module sit outside the engine; the engine must not know about them");

  @ArchTest
  static final ArchRule noLocalKms =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.keyledger.localkms..")
          .because(
              "local-kms is the AWS KMS emulator for tests and dev mode; it is only a test dependency of the engine");
}
