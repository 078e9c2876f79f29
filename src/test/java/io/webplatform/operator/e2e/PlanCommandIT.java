package io.webplatform.operator.e2e;

import io.webplatform.operator.plan.Plan;
import io.webplatform.operator.testing.Kubectl;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's plan command through the packaged operator (hack/plan.sh runs quarkus-run.jar plan),
 * in an environment with no kubeconfig and no AWS credentials: it prints the same plan the code
 * computes, and refuses a spec the operator would stall on, without starting the operator.
 */
class PlanCommandIT {

    private static Kubectl.Result plan(String stdin, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("env", "-i", "PATH=" + System.getenv("PATH"), "HOME=" + System.getProperty("user.home"),
                "hack/plan.sh"));
        command.addAll(List.of(args));
        return Kubectl.exec(command, stdin);
    }

    @Test
    void thePackagedOperatorPrintsThePlanOfBothSamplesWithoutAClusterOrAws() throws IOException {
        for (String sample : List.of("samples/webplatform.yaml", "samples/securebucket.yaml")) {
            Kubectl.Result r = plan(null, sample);
            assertThat(r.exit()).as(sample + ": " + r.err()).isZero();
            assertThat(r.out()).as(sample).isEqualTo(String.join("---\n", Plan.of(Files.readString(Path.of(sample)), null)));
            assertThat(r.err()).doesNotContain("Kubernetes", "kube-apiserver", "Unable to load credentials");
        }
        Kubectl.Result both = plan(Files.readString(Path.of("samples/securebucket.yaml")) + "---\n" + Files.readString(Path.of("samples/webplatform.yaml")), "-");
        assertThat(both.exit()).as(both.err()).isZero();
        assertThat(both.out().split("(?m)^---$")).hasSize(2);
    }

    @Test
    void aSpecTheOperatorWouldStallOnIsRefusedWithItsReason() throws IOException {
        // Subnets that overlap: the API server's CEL rules would refuse them; a plan is judged by the operator's own validation.
        String invalid = Files.readString(Path.of("samples/webplatform.yaml")).replace("vpcCidr: 10.0.0.0/16",
                "vpcCidr: 10.0.0.0/16\n    publicSubnetCidrs: [10.0.1.0/24, 10.0.2.0/24]\n    privateSubnetCidrs: [10.0.1.0/24, 10.0.3.0/24]");
        Kubectl.Result r = plan(invalid, "-");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("would stall with InvalidSpec");
        assertThat(plan(null).exit()).isEqualTo(2);
    }
}
