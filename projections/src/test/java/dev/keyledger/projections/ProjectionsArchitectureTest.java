package dev.keyledger.projections;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;

/**
 * Fences of the projections module: it folds the event log into read models and so may use the
 * engine's domain (to evolve state the way the engine does) and the published topology API (topic
 * names, serdes, partitioner), nothing else of the engine.
 */
@AnalyzeClasses(
    packages = "dev.keyledger.projections",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ProjectionsArchitectureTest {

  /**
   * The published API of dev.keyledger.engine.topology; everything else there
   * (CommandFoldProcessor) is internal.
   */
  static final Set<String> PUBLISHED_TOPOLOGY =
      Set.of(
          "Topics",
          "Topic",
          "CodecSerde",
          "TenantStores",
          "DekKeys",
          "TenantPartitioner",
          "LifecycleTopology",
          "StreamsProperties",
          "TopicsAdmin");

  private static final DescribedPredicate<JavaClass> ENGINE_PUBLISHED_API =
      DescribedPredicate.describe(
          "in ..engine.domain.. or published topology " + PUBLISHED_TOPOLOGY,
          ProjectionsArchitectureTest::isPublished);

  private static boolean isPublished(JavaClass c) {
    String pkg = c.getPackageName();
    if (pkg.equals("dev.keyledger.engine.domain")
        || pkg.startsWith("dev.keyledger.engine.domain.")) {
      return true;
    }
    if (!pkg.equals("dev.keyledger.engine.topology")) {
      return false;
    }
    String top = c.getName().substring(pkg.length() + 1);
    int nested = top.indexOf('$');
    return PUBLISHED_TOPOLOGY.contains(
        nested < 0 ? top : top.substring(0, nested)); // nested types go with their owner
  }

  @ArchTest
  static final ArchRule usesOnlyThePublishedEngineApi =
      noClasses()
          .that()
          .resideInAPackage("dev.keyledger.projections..")
          .should()
          .dependOnClassesThat(
              JavaClass.Predicates.resideInAPackage("dev.keyledger.engine..")
                  .and(DescribedPredicate.not(ENGINE_PUBLISHED_API)))
          .because(
              "projections read the log through the engine's published API (domain, Topics, CodecSerde, ...);"
                  + " CommandFoldProcessor, workers, keys, kms and crypto are engine internals");

  @ArchTest
  static final ArchRule noWebOrEdge =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.javalin..", "dev.keyledger.edge..")
          .because(
              "HTTP (Javalin) and the api-edge module sit above projections; projections must not know about them");

  @ArchTest
  static final ArchRule noApplication =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.keyledger.application..")
          .because("the application module uses projections, not the other way round");

  @ArchTest
  static final ArchRule noDataCrypto =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.keyledger.envelope..")
          .because(
              "the data envelope format (moved out of engine.crypto) is for the data plane; projections read the log");
}
