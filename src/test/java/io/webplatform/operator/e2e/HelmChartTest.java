package io.webplatform.operator.e2e;

import io.webplatform.operator.testing.Kubectl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
                .contains("clusterrole.rbac.authorization.k8s.io/wp-webplatform-operator created (server dry run)");
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
    void wrongValuesFailWithAClearMessage() {
        Kubectl.Result replicas = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "replicas=two");
        assertThat(replicas.exit()).isNotZero();
        assertThat(replicas.err()).contains("/replicas").contains("want integer");
        Kubectl.Result region = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "aws.region=Paris");
        assertThat(region.exit()).isNotZero();
        assertThat(region.err()).contains("/aws/region");
        Kubectl.Result typo = helm("template", "x", CHART, "--kube-version", KUBE_VERSION, "--set", "resync=PT1M");
        assertThat(typo.exit()).isNotZero();
        assertThat(typo.err()).contains("resync");
    }
}
