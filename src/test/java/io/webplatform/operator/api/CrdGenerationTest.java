package io.webplatform.operator.api;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRDs in crds/ (and the chart's copy) are what the Java API classes generate. Run with
 * -Dcrds.update=true (hack/generate-crds.sh) to rewrite them after changing the API.
 */
class CrdGenerationTest {
    static final Path CRDS = Path.of("crds");
    static final Path CHART_CRDS = Path.of("helm/webplatform-operator/crds");
    static final List<String> FILES = List.of("securebuckets.webplatform.io-v1.yml", "webplatforms.webplatform.io-v1.yml");

    static final List<String> COLUMN_ORDER = List.of("Ready", "Endpoint", "Database", "Bucket", "Replication", "Trail", "Reason", "Age");

    /** The generator sorts columns by JSON path; a user wants READY first and AGE last, wide-only columns after. */
    static HasMetadata printerColumnsAsAUserReadsThem(HasMetadata crd) {
        for (var v : ((CustomResourceDefinition) crd).getSpec().getVersions()) {
            List<CustomResourceColumnDefinition> columns = new ArrayList<>(v.getAdditionalPrinterColumns());
            columns.sort(Comparator.comparing((CustomResourceColumnDefinition c) -> c.getPriority() != null && c.getPriority() > 0)
                    .thenComparing(c -> COLUMN_ORDER.indexOf(c.getName())));
            v.setAdditionalPrinterColumns(columns);
        }
        return crd;
    }

    @Test
    void committedCrdsMatchTheApiClasses() throws IOException {
        Path out = Files.createTempDirectory("crds");
        new CRDGenerator()
                .customResourceClasses(SecureBucket.class, WebPlatform.class)
                .forCRDVersions("v1")
                .withParallelGenerationEnabled(false)
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String version) {
                        return printerColumnsAsAUserReadsThem(crd);
                    }
                })
                .inOutputDir(out.toFile())
                .generate();
        boolean update = Boolean.getBoolean("crds.update");
        for (String file : FILES) {
            String generated = Files.readString(out.resolve(file));
            if (update) {
                Files.createDirectories(CRDS);
                Files.createDirectories(CHART_CRDS);
                Files.writeString(CRDS.resolve(file), generated);
                Files.copy(CRDS.resolve(file), CHART_CRDS.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            assertThat(Files.readString(CRDS.resolve(file)))
                    .as("crds/%s differs from what the API classes generate; run hack/generate-crds.sh", file)
                    .isEqualTo(generated);
            assertThat(Files.readString(CHART_CRDS.resolve(file)))
                    .as("the chart's copy of %s differs from crds/; run hack/generate-crds.sh", file)
                    .isEqualTo(generated);
        }
    }
}
