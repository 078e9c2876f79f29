package io.webplatform.operator.e2e;

import io.webplatform.operator.testing.Checkov;
import io.webplatform.operator.testing.Kubectl;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart judged as an auditor would: checkov's Kubernetes checks over what {@code helm template} renders, with
 * the default values (what operator/install.yaml holds) and with those a production install sets (an image digest,
 * two replicas, a narrowed NetworkPolicy, watched namespaces, a ServiceMonitor). Every failed check must be listed
 * in src/test/resources/checkov-chart-exceptions.json with its reason and reference; an entry that matches nothing
 * fails too, and the README's table is that file with the counts ({@code -Dreadme.update=true} rewrites it).
 */
class ChartCheckovTest {
    static final Path RENDERS = Path.of("target/chart-renders");
    static final Path EXCEPTIONS = Path.of("src/test/resources/checkov-chart-exceptions.json");
    static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    /** The values of each render, by name (the exceptions' {@code files}). */
    static Map<String, List<String>> renders() {
        Map<String, List<String>> renders = new LinkedHashMap<>();
        renders.put("defaults", List.of());
        renders.put("production", List.of("--set", "image.digest=" + DIGEST, "--set", "replicas=2",
                "--set", "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=monitoring",
                "--set", "networkPolicy.apiServerCidrs={10.0.0.0/16}", "--set", "networkPolicy.awsCidrs={10.0.128.0/20}",
                "--set", "watchNamespaces={team-a,team-b}", "--set", "metrics.serviceMonitor.enabled=true",
                "--set", "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::123456789012:role/webplatform-operator"));
        return renders;
    }

    @Test
    void everyCheckCheckovFailsOnTheChartIsFixedOrExceptedWithAReason() throws Exception {
        Files.createDirectories(RENDERS);
        Checkov.Accepted exceptions = Checkov.Accepted.read(EXCEPTIONS, "exceptions");
        List<Checkov.Failure> failed = new ArrayList<>();
        StringBuilder counts = new StringBuilder("| render | values | passed | failed (all excepted below) |\n|---|---|---|---|\n");
        for (Map.Entry<String, List<String>> render : renders().entrySet()) {
            List<String> command = new ArrayList<>(List.of(Kubectl.tool("helm"), "template", "webplatform", HelmChartTest.CHART,
                    "--namespace", "webplatform-system", "--kube-version", HelmChartTest.KUBE_VERSION, "--include-crds"));
            command.addAll(render.getValue());
            Path file = RENDERS.resolve(render.getKey() + ".yaml");
            Files.writeString(file, Kubectl.exec(command, null).ok().out());
            // One render at a time: checkov's graph checks would otherwise let one render's NetworkPolicy cover another's pods.
            Checkov.Report report = Checkov.scan(file, "kubernetes");
            System.out.printf("[measure] checkov over the chart, %s: PASS %d, FAIL %d (%s)%n", render.getKey(), report.passed(),
                    report.failed().size(), report.failed().stream().map(Checkov.Failure::check).toList());
            failed.addAll(report.failed());
            counts.append("| ").append(render.getKey()).append(" | ").append(render.getValue().isEmpty() ? "the chart's defaults"
                            : String.join(" ", render.getValue()).replace("--set ", "`").replace(" `", "` `") + "`")
                    .append(" | ").append(report.passed()).append(" | ").append(report.failed().size()).append(" |\n");
        }
        assertThat(exceptions.unexplained(failed))
                .as("failed checks that " + EXCEPTIONS + " does not explain: fix the chart, or except them with a reason").isEmpty();
        assertThat(exceptions.stale(failed)).as("exceptions that match no failed check any more: remove them").isEmpty();
        exceptions.checkReadme("ChartCheckovTest", counts + "\n" + exceptions.table("| checkov check | resource | renders | why | reference |",
                e -> "| `" + e.path("check").asText() + "` " + e.path("title").asText() + " | " + Checkov.cell(e.path("resources").asText())
                        + " | " + (e.has("files") ? Checkov.cell(e.path("files").asText()) : "all") + " | " + e.path("reason").asText()
                        + " | " + e.path("reference").asText() + " |"));
    }

    @Test
    void everyExceptionHasAReasonAndAReference() throws Exception {
        Checkov.Accepted exceptions = Checkov.Accepted.read(EXCEPTIONS, "exceptions");
        exceptions.entries().forEach(e -> {
            assertThat(e.path("check").asText()).as("check of " + e).matches("CKV2?_K8S_[0-9]+");
            assertThat(e.path("reason").asText()).as("reason of " + e.path("check")).hasSizeGreaterThan(40);
            assertThat(e.path("reference").asText()).as("reference of " + e.path("check")).startsWith("https://");
        });
    }
}
