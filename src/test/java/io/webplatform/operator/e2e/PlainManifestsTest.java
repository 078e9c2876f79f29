package io.webplatform.operator.e2e;

import io.webplatform.operator.testing.Kubectl;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** operator/ is the chart rendered with its defaults, and the API server accepts it via kustomize. */
class PlainManifestsTest {

    @Test
    void installYamlIsTheRenderedChart() throws IOException {
        String rendered = Kubectl.exec(List.of(Kubectl.tool("helm"), "template", "webplatform", "helm/webplatform-operator",
                "--namespace", "webplatform-system", "--kube-version", HelmChartTest.KUBE_VERSION, "--include-crds"), null).ok().out();
        assertThat(Files.readString(Path.of("operator/install.yaml")))
                .as("operator/install.yaml differs from the chart; run hack/generate-crds.sh").isEqualTo(rendered);
    }

    @Test
    void kustomizeOutputIsAcceptedByTheApiServer() {
        // A server-side dry run does not create the namespace the rest lives in.
        Kubectl.run("apply", "-f", "operator/namespace.yaml").ok();
        Kubectl.Result applied = Kubectl.run("apply", "--dry-run=server", "-k", "operator/").ok();
        assertThat(applied.out()).contains("deployment.apps/webplatform-webplatform-operator created (server dry run)");
    }
}
