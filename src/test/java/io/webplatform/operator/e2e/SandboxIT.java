package io.webplatform.operator.e2e;

import io.webplatform.operator.testing.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README command 1 exactly as a user runs it (detached so the test can stop it): its own test bed on
 * its own ports, the packaged operator running with only the chart's ServiceAccount, the sample Ready,
 * and the AWS state printed. Runs after `package`, as a failsafe integration test.
 */
class SandboxIT {
    static final Map<String, String> ENV = Map.of(
            "TESTBED_DIR", Path.of(System.getProperty("java.io.tmpdir"), "webplatform-sandbox-it").toString(),
            "ETCD_PORT", "24791", "APISERVER_PORT", "17443", "MOTO_PORT", "16000", "OPERATOR_HTTP_PORT", "18180");

    static Kubectl.Result sandbox(String... args) {
        ProcessBuilder pb = new ProcessBuilder();
        List<String> command = new java.util.ArrayList<>(List.of("bash", "hack/sandbox.sh"));
        command.addAll(List.of(args));
        pb.environment().putAll(ENV);
        return execWith(pb, command);
    }

    private static Kubectl.Result execWith(ProcessBuilder pb, List<String> command) {
        try {
            var out = java.nio.file.Files.createTempFile("sandbox", ".out");
            Process p = pb.command(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(15, java.util.concurrent.TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            return new Kubectl.Result(p.exitValue(), java.nio.file.Files.readString(out), "");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        sandbox("stop");
    }

    @Test
    void theSandboxBringsTheSampleToReadyAndShowsTheAwsState() throws IOException {
        Kubectl.Result run = sandbox("--detach");
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out())
                .contains("starting the operator as ServiceAccount webplatform-system/webplatform-webplatform-operator")
                .contains("condition met")
                .contains("Ready=True (Converged)")
                .contains("versioning=Enabled encryption=aws:kms public-access-block=all on policy=['DenyInsecureTransport']")
                .contains("logging=True validation=True")
                .contains("rotation=True")
                .contains("Ready=True (Available)")
                .contains("imds-tokens=required hop-limit=1 public-ip=None")
                .contains("network internet-facing").contains("listener TCP:80")
                .contains("encrypted=True public=False backups=7d")
                .contains("subnet").contains("public-ip-on-launch=False")
                .contains("REJECT -> arn:aws:s3:::demo-app-logs-")
                .contains("hack/sandbox.sh stop");
        assertThat(run.out()).containsPattern("app-logs +True +demo-app-logs-[0-9a-f]{6} +Ready +Logging");
        // The chart went in whole, its NetworkPolicy too (nothing enforces one here), letting the pods out to the emulator's port.
        Kubectl.Result egress = Kubectl.runOn(Path.of(ENV.get("TESTBED_DIR"), "kubeconfig"), null, "get", "networkpolicy",
                "webplatform-webplatform-operator", "-n", "webplatform-system", "-o", "jsonpath={.spec.egress[2].ports[*].port}").ok();
        assertThat(egress.out()).isEqualTo("443 " + ENV.get("MOTO_PORT"));

        // The README's "Meanwhile" block, line by line, with this run's directory and metrics port.
        String block = ReadmeCommandsTest.shellBlockMarked("<!-- run by: SandboxIT -->")
                .replace("~/.webplatform/sandbox", ENV.get("TESTBED_DIR")).replace("127.0.0.1:8180", "127.0.0.1:" + ENV.get("OPERATOR_HTTP_PORT"));
        ProcessBuilder pb = new ProcessBuilder();
        pb.environment().put("PATH", Path.of(System.getProperty("user.home"), ".kubeapitest/k8s/1.34.4-linux-amd64") + ":"
                + Path.of(System.getProperty("user.home"), ".webplatform/bin") + ":" + System.getenv("PATH"));
        Kubectl.Result meanwhile = execWith(pb, List.of("bash", "-euo", "pipefail", "-c", block));
        assertThat(meanwhile.exit()).as(meanwhile.out()).isZero();
        assertThat(meanwhile.out()).contains("app-logs").contains("Conditions").contains("webplatform_aws_api_calls_total{");
    }
}
