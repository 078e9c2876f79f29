package io.webplatform.operator;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages' allowed directions, read from the compiled classes: api (the custom resources) and
 * aws (SDK clients, names, tags, error classification) depend on no other package of the operator;
 * engine (the generic graph) on those two; each kind (bucket, platform) on those three; plan (a
 * manifest's CloudFormation plan) on all of them, and nothing on it. No cycle.
 */
class ArchitectureTest {
    private static JavaClasses operator;

    @BeforeAll
    static void importOperator() {
        operator = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.webplatform.operator");
    }

    @Test
    void packagesDependOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy("io.webplatform.operator.api..")
                .layer("aws").definedBy("io.webplatform.operator.aws..")
                .layer("engine").definedBy("io.webplatform.operator.engine..")
                .layer("bucket").definedBy("io.webplatform.operator.bucket..")
                .layer("platform").definedBy("io.webplatform.operator.platform..")
                .layer("plan").definedBy("io.webplatform.operator.plan..")
                .whereLayer("plan").mayNotBeAccessedByAnyLayer()
                .whereLayer("platform").mayOnlyBeAccessedByLayers("plan")
                .whereLayer("bucket").mayOnlyBeAccessedByLayers("platform", "plan")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("bucket", "platform", "plan")
                .whereLayer("aws").mayOnlyBeAccessedByLayers("engine", "bucket", "platform", "plan")
                .whereLayer("api").mayOnlyBeAccessedByLayers("aws", "engine", "bucket", "platform", "plan")
                .check(operator);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.webplatform.operator.(*)..").should().beFreeOfCycles().check(operator);
    }
}
