package io.webplatform.operator.e2e;

import io.webplatform.operator.testing.Kubectl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The chart renders, lints clean, and the real API server accepts what it renders (server-side dry run). */
class HelmChartTest {
    static final String CHART = "helm/webplatform-operator";
    static final String KUBE_VERSION = "1.34.4";
    private static String ns;

    @BeforeAll
    static void namespace() {
        ns = Kubectl.newNamespace("e2e-helm");
    }

    static Kubectl.Result helm(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Kubectl.tool("helm"));
        command.addAll(List.of(args));
        return Kubectl.exec(command, null);
    }

    @Test
    void lintsClean() {
        Kubectl.Result lint = helm("lint", "--strict", "--kube-version", KUBE_VERSION, CHART).ok();
        assertThat(lint.out()).contains("0 chart(s) failed");
    }

    @Test
    void defaultValuesApplyToTheApiServer() {
        String rendered = helm("template", "wp", CHART, "--namespace", ns, "--kube-version", KUBE_VERSION, "--include-crds").ok().out();
        assertThat(rendered).contains("kind: \"CustomResourceDefinition\"", "kind: ServiceAccount", "kind: ClusterRole",
                "kind: ClusterRoleBinding", "kind: Deployment", "/q/health/live", "/q/health/ready", "readOnlyRootFilesystem: true");
        Kubectl.Result applied = Kubectl.runWithInput(rendered, "apply", "--dry-run=server", "-n", ns, "-f", "-").ok();
        assertThat(applied.out()).contains("deployment.apps/wp-webplatform-operator created (server dry run)")
                .containsPattern("clusterrole.rbac.authorization.k8s.io/wp-webplatform-operator (created|configured) \\(server dry run\\)");
    }

    @Test
    void irsaEndpointAndCredentialValuesRenderAndApply() {
        String rendered = helm("template", "wp2", CHART, "--namespace", ns, "--kube-version", KUBE_VERSION,
                "--set", "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::123456789012:role/op",
                "--set", "aws.region=eu-west-3", "--set", "aws.endpoint=https://vpce.example:443",
                "--set", "aws.credentialsSecret=aws-creds", "--set", "resyncPeriod=PT2M", "--set", "logLevel=DEBUG").ok().out();
        assertThat(rendered).contains("eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/op", "value: \"eu-west-3\"",
                "value: \"https://vpce.example:443\"", "name: aws-creds", "value: \"PT2M\"");
        Kubectl.runWithInput(rendered, "apply", "--dry-run=server", "-n", ns, "-f", "-").ok();
    }

    @Test
    void scaleOutHaAndLoggingValuesRenderAndApply() {
        String watched = Kubectl.newNamespace("e2e-helm-watched");
        String rendered = helm("template", "wp3", CHART, "--namespace", ns, "--kube-version", KUBE_VERSION,
                "--set", "replicas=2", "--set", "watchNamespaces={" + watched + "}", "--set", "labelSelector=shard in (a\\,b)",
                "--set", "logFormat=json").ok().out();
        assertThat(rendered).contains("kind: PodDisruptionBudget", "minAvailable: 1", "value: \"" + watched + "\"",
                "value: \"shard in (a,b)\"", "name: WEBPLATFORM_LOG_JSON\n              value: \"true\"", "type: RollingUpdate");
        // Namespaced Roles where it watches; the ClusterRole keeps only the CRD read.
        assertThat(rendered).contains("kind: Role\nmetadata:\n  name: wp3-webplatform-operator\n  namespace: " + watched);
        String clusterRole = rendered.substring(rendered.indexOf("kind: ClusterRole\n"), rendered.indexOf("kind: ClusterRoleBinding"));
        assertThat(clusterRole).contains("customresourcedefinitions").doesNotContain("webplatforms").doesNotContain("secrets");
        // Every object names its namespace (the release's, or a watched one).
        Kubectl.Result applied = Kubectl.runWithInput(rendered, "apply", "--dry-run=server", "-f", "-").ok();
        assertThat(applied.out()).contains("poddisruptionbudget.policy/wp3-webplatform-operator created (server dry run)")
                .contains("role.rbac.authorization.k8s.io/wp3-webplatform-operator created (server dry run)")
                .contains("role.rbac.authorization.k8s.io/wp3-webplatform-operator-leader-election created (server dry run)");
        // One replica: no PodDisruptionBudget (it would block every drain).
        assertThat(helm("template", "wp4", CHART, "--kube-version", KUBE_VERSION).ok().out()).doesNotContain("PodDisruptionBudget");
    }

    @Test
    void theInstallationNameDefaultsToTheReleaseAndAdoptionIsOffUnlessAllowed() {
        String byDefault = helm("template", "prod", CHART, "--kube-version", KUBE_VERSION).ok().out();
        assertThat(byDefault).contains("name: WEBPLATFORM_INSTALLATION\n              value: \"prod\"",
                "name: WEBPLATFORM_ADOPTION_ALLOWED\n              value: \"false\"");
        String rebuilt = helm("template", "webplatform", CHART, "--kube-version", KUBE_VERSION,
                "--set", "installationName=prod", "--set", "adoption.allowed=true").ok().out();
        assertThat(rebuilt).contains("name: WEBPLATFORM_INSTALLATION\n              value: \"prod\"",
                "name: WEBPLATFORM_ADOPTION_ALLOWED\n              value: \"true\"");
        Kubectl.Result upper = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "installationName=Prod_1");
        assertThat(upper.exit()).isNotZero();
        assertThat(upper.err()).contains("/installationName");
        Kubectl.Result notABoolean = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "adoption.allowed=yes");
        assertThat(notABoolean.exit()).isNotZero();
        assertThat(notABoolean.err()).contains("/adoption/allowed");
    }

    @Test
    void theServiceMonitorIsRenderedOnlyWhenAsked() {
        assertThat(helm("template", "wp5", CHART, "--kube-version", KUBE_VERSION).ok().out()).doesNotContain("ServiceMonitor");
        String rendered = helm("template", "wp5", CHART, "--kube-version", KUBE_VERSION, "--set", "metrics.serviceMonitor.enabled=true",
                "--set", "metrics.serviceMonitor.labels.release=prometheus").ok().out();
        assertThat(rendered).contains("kind: ServiceMonitor", "path: /q/metrics", "port: http", "release: prometheus", "interval: 30s");
    }

    @Test
    void theImageIsNamedByDigestWhenGivenAndPulledAsItsReferenceNeeds() {
        String byTag = helm("template", "wp6", CHART, "--kube-version", KUBE_VERSION).ok().out();
        assertThat(byTag).contains("image: \"ghcr.io/webplatform/webplatform-operator:0.1.0\"\n          imagePullPolicy: Always");
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        String byDigest = helm("template", "wp6", CHART, "--namespace", ns, "--kube-version", KUBE_VERSION, "--set", "image.digest=" + digest,
                "--set", "image.tag=0.1.0").ok().out();
        assertThat(byDigest).contains("image: \"ghcr.io/webplatform/webplatform-operator@" + digest + "\"\n          imagePullPolicy: IfNotPresent");
        Kubectl.runWithInput(byDigest, "apply", "--dry-run=server", "-n", ns, "-f", "-").ok();
        assertThat(helm("template", "wp6", CHART, "--kube-version", KUBE_VERSION, "--set", "image.pullPolicy=IfNotPresent").ok().out())
                .contains("imagePullPolicy: IfNotPresent");
        for (String bad : new String[] {"sha256:abc", "sha256:" + "0123456789ABCDEF".repeat(4), "0123456789abcdef".repeat(4),
                "md5:0123456789abcdef0123456789abcdef", "sha256:" + "0123456789abcdef".repeat(4) + "0"}) {
            Kubectl.Result refused = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "image.digest=" + bad);
            assertThat(refused.exit()).as(bad).isNotZero();
            assertThat(refused.err()).as(bad).contains("/image/digest");
        }
        assertThat(helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "image.digest=sha512:" + "0123456789abcdef".repeat(8))
                .exit()).isZero();
    }

    @Test
    void thePodRunsAsTheImagesHighUserWithACpuLimit() throws Exception {
        String rendered = helm("template", "wp7", CHART, "--kube-version", KUBE_VERSION).ok().out();
        assertThat(rendered).contains("runAsNonRoot: true", "runAsUser: 10001", "runAsGroup: 10001", "readOnlyRootFilesystem: true",
                "allowPrivilegeEscalation: false", "limits:\n              cpu: \"1\"\n              memory: 512Mi");
        // The image's own user is the pod's, so what the image grants its user (the launcher, the jars) the pod can read.
        assertThat(Files.readString(Path.of("operator/Dockerfile"))).containsPattern("(?m)^USER 10001:10001$");
    }

    @Test
    void theNetworkPolicyAdmitsOnlyTheMetricsPortAndLetsOutOnlyDnsTheApiServerAndAws() {
        String byDefault = helm("template", "wp8", CHART, "--namespace", ns, "--kube-version", KUBE_VERSION).ok().out();
        String policy = byDefault.substring(byDefault.indexOf("kind: NetworkPolicy"), byDefault.indexOf("---", byDefault.indexOf("kind: NetworkPolicy")));
        assertThat(policy).contains("policyTypes: [Ingress, Egress]", "ingress:\n", "- {port: 8080, protocol: TCP}",
                "- {port: 53, protocol: UDP}", "- {port: 53, protocol: TCP}", "- {port: 443, protocol: TCP}\n        - {port: 6443, protocol: TCP}",
                "ipBlock: {cidr: 169.254.170.23/32}").doesNotContain("from:");
        assertThat(policy.split("\n    - ports:", -1)).as("one ingress rule, four egress rules").hasSize(6);
        Kubectl.Result applied = Kubectl.runWithInput(byDefault, "apply", "--dry-run=server", "-n", ns, "-f", "-").ok();
        assertThat(applied.out()).contains("networkpolicy.networking.k8s.io/wp8-webplatform-operator created (server dry run)");

        String narrowed = helm("template", "wp8", CHART, "--namespace", ns, "--kube-version", KUBE_VERSION,
                "--set", "metrics.port=9090", "--set", "aws.endpoint=http://aws-proxy.internal:8443",
                "--set", "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=monitoring",
                "--set", "networkPolicy.apiServerPorts={6443}", "--set", "networkPolicy.apiServerCidrs={172.20.0.1/32,fd00::/64}",
                "--set", "networkPolicy.awsCidrs={10.0.128.0/20}", "--set", "networkPolicy.podIdentityAgent=false").ok().out();
        assertThat(narrowed).contains("- {port: 9090, protocol: TCP}\n      from:\n        - namespaceSelector:",
                "kubernetes.io/metadata.name: monitoring", "- {port: 6443, protocol: TCP}\n      to:\n        - ipBlock: {cidr: \"172.20.0.1/32\"}",
                "- ipBlock: {cidr: \"fd00::/64\"}", "- {port: 443, protocol: TCP}\n        - {port: 8443, protocol: TCP}\n      to:\n        - ipBlock: {cidr: \"10.0.128.0/20\"}")
                .doesNotContain("{port: 443, protocol: TCP}\n        - {port: 6443", "169.254.170.23");
        Kubectl.runWithInput(narrowed, "apply", "--dry-run=server", "-n", ns, "-f", "-").ok();

        assertThat(helm("template", "wp8", CHART, "--kube-version", KUBE_VERSION, "--set", "networkPolicy.enabled=false").ok().out())
                .doesNotContain("NetworkPolicy");
        for (String[] bad : new String[][] {{"networkPolicy.awsCidrs={10.0.0.0}", "/networkPolicy/awsCidrs/0"},
                {"networkPolicy.apiServerCidrs={10.0.0.0/33}", "/networkPolicy/apiServerCidrs/0"},
                {"networkPolicy.apiServerPorts={}", "/networkPolicy/apiServerPorts"}, {"networkPolicy.apiServerPorts={70000}", "/networkPolicy/apiServerPorts/0"},
                {"networkPolicy.metricsFrom[0].pods=x", "/networkPolicy/metricsFrom/0"}, {"networkPolicy.egress=all", "/networkPolicy"}}) {
            Kubectl.Result refused = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", bad[0]);
            assertThat(refused.exit()).as(bad[0]).isNotZero();
            assertThat(refused.err()).as(bad[0]).contains(bad[1]);
        }
    }

    @Test
    void theChartReadmeDescribesEveryValue() throws Exception {
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(Path.of(CHART, "values.yaml").toFile());
        String readme = Files.readString(Path.of(CHART, "README.md"));
        List<String> paths = new ArrayList<>();
        leaves("", values, paths);
        assertThat(paths).hasSizeGreaterThan(20);
        for (String path : paths) {
            assertThat(readme).as("the chart README describes " + path).contains("| `" + path + "` |");
        }
        // ... and the schema knows every one of them (it refuses unknown keys).
        JsonNode schema = new ObjectMapper().readTree(Path.of(CHART, "values.schema.json").toFile());
        for (String path : paths) {
            JsonNode node = schema;
            for (String part : path.split("\\.")) {
                node = node.path("properties").path(part);
            }
            assertThat(node.isMissingNode()).as("values.schema.json describes " + path).isFalse();
        }
    }

    /** Dotted paths of values.yaml's leaves; a map that is empty by default (annotations ...) is a leaf. */
    private static void leaves(String prefix, JsonNode node, List<String> out) {
        if (node.isObject() && node.size() > 0 && !prefix.equals("resources")) {
            node.fieldNames().forEachRemaining(f -> leaves(prefix.isEmpty() ? f : prefix + "." + f, node.get(f), out));
        } else {
            out.add(prefix);
        }
    }

    @Test
    void wrongValuesFailWithAClearMessage() {
        Kubectl.Result replicas = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "replicas=two");
        assertThat(replicas.exit()).isNotZero();
        assertThat(replicas.err()).contains("/replicas").contains("want integer");
        Kubectl.Result region = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "aws.region=Paris");
        assertThat(region.exit()).isNotZero();
        assertThat(region.err()).contains("/aws/region");
        for (String unsupported : new String[] {"cn-north-1", "us-iso-east-1"}) {
            Kubectl.Result china = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "aws.region=" + unsupported);
            assertThat(china.exit()).as(unsupported).isNotZero();
            assertThat(china.err()).as(unsupported).contains("/aws/region");
        }
        assertThat(helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "aws.region=us-gov-west-1").exit()).isZero();
        Kubectl.Result typo = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "resync=PT1M");
        assertThat(typo.exit()).isNotZero();
        assertThat(typo.err()).contains("resync");
        Kubectl.Result selector = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "labelSelector=shard in (a");
        assertThat(selector.exit()).isNotZero();
        assertThat(selector.err()).contains("/labelSelector");
        Kubectl.Result format = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "logFormat=xml");
        assertThat(format.exit()).isNotZero();
        assertThat(format.err()).contains("/logFormat");
    }
}
