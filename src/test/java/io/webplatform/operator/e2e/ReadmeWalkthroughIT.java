package io.webplatform.operator.e2e;

import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.OperatorPolicies;
import io.webplatform.operator.testing.OperatorProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's walkthrough "On real AWS, from zero", run line by line: the AWS CLI against the
 * emulator (where the EKS cluster it names is made first), kubectl and helm against the real API
 * server. Two lines cannot run here and are stood in for (see {@link #STAND_INS}); any other line
 * runs verbatim, so the README cannot drift from what works. Runs after `package` (failsafe).
 */
class ReadmeWalkthroughIT {
    static final String MARKER = "<!-- run by: ReadmeWalkthroughIT -->";
    /** Lines that need what the test bed lacks, and what runs instead. */
    static final Map<String, String> STAND_INS = Map.of(
            "kubectl rollout status", "no kubelet runs pods here: the packaged operator runs as the chart's ServiceAccount instead",
            "curl -s", "the emulator's load balancer has no address: hack/app-smoke.sh serves the same app (AppUserDataTest)");
    private static final String NS = "webplatform-system";
    private static final String SA = "webplatform-webplatform-operator";

    /** The walkthrough's commands, continuation lines joined, comments dropped. */
    static List<String> walkthrough() throws IOException {
        String block = ReadmeCommandsTest.shellBlockMarked(MARKER);
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : block.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            current.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line);
            if (!line.endsWith("\\")) {
                commands.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return commands;
    }

    @Test
    void theWalkthroughRunsAsWritten() throws Exception {
        List<String> commands = walkthrough();
        assertThat(commands).hasSizeGreaterThan(20);
        for (String standIn : STAND_INS.keySet()) {
            assertThat(commands).as("stand-in still needed for " + standIn).anyMatch(c -> c.startsWith(standIn));
        }
        cleanUp();
        // The prerequisite the README names: an EKS cluster (here the emulator's).
        shell("aws eks create-cluster --name my-cluster --region eu-west-3 --role-arn arn:aws:iam::123456789012:role/eks "
                + "--resources-vpc-config subnetIds=subnet-00000001 > /dev/null", Path.of("target/readme-walkthrough-setup.log"));

        int rollout = indexOf(commands, "kubectl rollout status");
        Path log = Path.of("target/readme-walkthrough.log");
        OperatorProcess operator = null;
        try {
            // Steps 1-2: IAM and helm install, in one shell (their variables carry on).
            shell(String.join("\n", commands.subList(0, rollout)), log);
            assertThat(Kubectl.run("get", "sa", SA, "-n", NS, "-o", "jsonpath={.metadata.annotations.eks\\.amazonaws\\.com/role-arn}")
                    .ok().out()).isEqualTo("arn:aws:iam::123456789012:role/webplatform-operator");
            String attached = shell("aws iam list-attached-role-policies --role-name webplatform-operator --query"
                    + " 'AttachedPolicies[].PolicyName' --output text", Path.of("target/readme-walkthrough-check.log"));
            for (Path file : OperatorPolicies.files()) {
                assertThat(attached).contains("webplatform-operator-" + OperatorPolicies.part(file));
            }
            String trust = shell("aws iam get-role --role-name webplatform-operator --query Role.AssumeRolePolicyDocument --output json",
                    Path.of("target/readme-walkthrough-check.log"));
            assertThat(trust).contains("oidc.eks.eu-west-3.amazonaws.com/id/").contains("system:serviceaccount:" + NS + ":" + SA)
                    .doesNotContain("<oidc>").doesNotContain("<account>");

            // Stand-in for the Deployment's pod: the packaged operator with only the chart's ServiceAccount token.
            operator = OperatorProcess.start("readme", OperatorProcess.kubeconfigFor(SA, NS), NS, SA, 18285, Map.of());

            // Steps 3-6 in one shell, the curl line skipped.
            List<String> rest = commands.subList(rollout + 1, commands.size()).stream()
                    .map(c -> c.startsWith("curl -s") ? ": stood in for: " + c.replace("'", "") : c).toList();
            String out = shell(String.join("\n", rest), log);
            assertThat(out).contains("securebucket.webplatform.io/app-logs condition met")
                    .contains("webplatform.webplatform.io/shop condition met")
                    .contains("webplatform.webplatform.io/shop annotated")
                    .contains("webplatform.webplatform.io/shop patched")
                    .contains("webplatform.webplatform.io \"shop\" deleted")
                    .contains("securebucket.webplatform.io \"app-logs\" deleted")
                    .containsPattern("http://[^ ]+/");
            assertThat(operator.log()).contains("WebPlatform demo/shop: created Database wp-demo-shop-")
                    .containsPattern("WebPlatform demo/shop: created Database wp-demo-shop-[0-9a-f]+-r[0-9a-f]+")
                    .contains("WebPlatform demo/shop: deleted Vpc")
                    .doesNotContainIgnoringCase("forbidden");
        } finally {
            if (operator != null) {
                operator.close();
            }
            cleanUp();
        }
    }

    private static int indexOf(List<String> commands, String prefix) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no command starts with " + prefix);
    }

    /** What a previous run on the same test bed left (the CI test bed is fresh; a developer's may not be). */
    private static void cleanUp() throws Exception {
        List<String> script = new ArrayList<>();
        script.add("helm uninstall webplatform -n " + NS + " >/dev/null 2>&1 || true");
        for (Path file : OperatorPolicies.files()) {
            String arn = "arn:aws:iam::123456789012:policy/webplatform-operator-" + OperatorPolicies.part(file);
            script.add("aws iam detach-role-policy --role-name webplatform-operator --policy-arn " + arn + " >/dev/null 2>&1 || true");
            script.add("aws iam delete-policy --policy-arn " + arn + " >/dev/null 2>&1 || true");
        }
        script.add("aws iam delete-role --role-name webplatform-operator >/dev/null 2>&1 || true");
        script.add("aws eks delete-cluster --name my-cluster --region eu-west-3 >/dev/null 2>&1 || true");
        shell(String.join("\n", script), Path.of("target/readme-walkthrough-cleanup.log"));
    }

    /** Runs a script with bash -euo pipefail in the repository, AWS pointed at the emulator; returns its output. */
    static String shell(String script, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-x", "-c", script)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(Map.of("AWS_ENDPOINT_URL", Emulator.endpoint().toString(), "AWS_ACCESS_KEY_ID", "testing",
                "AWS_SECRET_ACCESS_KEY", "testing", "AWS_DEFAULT_REGION", Emulator.REGION));
        long before = Files.exists(log) ? Files.size(log) : 0;
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out; see " + log);
        }
        String out = Files.readString(log).substring((int) before);
        assertThat(p.exitValue()).as("exit of:\n" + script + "\n--- output ---\n" + out).isZero();
        return out;
    }
}
