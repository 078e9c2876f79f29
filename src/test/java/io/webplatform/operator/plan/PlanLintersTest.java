package io.webplatform.operator.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.testing.Checkov;
import io.webplatform.operator.testing.PinnedTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AWS's own judges over the operator's plans, for the samples and a set of variants (long and
 * dotted names, every option on, a single NAT gateway, the TLS listener, restores): cfn-lint (AWS's
 * resource schemas) finds no error, and every check checkov fails is listed in
 * src/test/resources/checkov-skips.json with its reason — an entry that matches nothing fails too,
 * and the README's table is that file ({@code -Dreadme.update=true} rewrites it).
 */
class PlanLintersTest {
    static final Path PLANS = Path.of("target/plans");
    static final Path SKIPS = Path.of("src/test/resources/checkov-skips.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void writePlans() throws IOException {
        if (Files.exists(PLANS)) {
            try (Stream<Path> old = Files.list(PLANS)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(PLANS);
        for (Map.Entry<String, String> plan : plans().entrySet()) {
            Files.writeString(PLANS.resolve(plan.getKey() + ".yaml"), plan.getValue());
        }
    }

    /** The samples and the variants, by file name. */
    static Map<String, String> plans() throws IOException {
        Map<String, String> plans = new LinkedHashMap<>();
        SecureBucket bucket = Serialization.unmarshal(Files.readString(Path.of("samples/securebucket.yaml")), SecureBucket.class);
        plans.put("securebucket-sample", Plan.of(bucket, null).toYaml());
        SecureBucket everything = Serialization.unmarshal(Files.readString(Path.of("samples/securebucket.yaml")), SecureBucket.class);
        everything.getMetadata().setNamespace("team.platform-observability-and-long-names");
        everything.getMetadata().setName("a.dotted.name.that-goes-on-and-on-until-every-aws-name-limit-is-reached");
        everything.getSpec().deletionPolicy = DeletionPolicy.Delete;
        everything.getSpec().emptyOnDelete = true;
        everything.getSpec().replication.region = "eu-central-1"; // the backup's key and access-log bucket in its region
        plans.put("securebucket-long-dotted-names-delete-cross-region", Plan.of(everything, null).toYaml());

        plans.put("webplatform-sample", Plan.of(platform(), null).toYaml());
        WebPlatform single = platform();
        single.getSpec().network.natGateways = WebPlatformSpec.NatGateways.Single;
        single.getSpec().network.flowLogs = null; // its own flow-log SecureBucket, planned with it
        plans.put("webplatform-single-nat-own-flow-log-bucket", Plan.of(single, null).toYaml());
        WebPlatform tls = platform();
        tls.getMetadata().setNamespace("team.platform-observability-and-long-names");
        tls.getMetadata().setName("a.dotted.name.that-goes-on-and-on-until-every-aws-name-limit-is-reached");
        tls.getSpec().loadBalancer.ports = List.of(80, 443);
        tls.getSpec().loadBalancer.certificateArn = "arn:aws:acm:eu-west-3:123456789012:certificate/00000000-0000-0000-0000-000000000001";
        tls.getSpec().app.volumeKmsKeyId = "arn:aws:kms:eu-west-3:123456789012:key/00000000-0000-0000-0000-000000000002";
        tls.getSpec().app.instanceType = "t4g.small";
        tls.getSpec().database.engineVersion = "16.10"; // orderable on db.t4g.micro and not deprecated, as cfn-lint's copy of RDS's engine data says (16.8 is not orderable there)
        tls.getSpec().database.deletionProtection = true;
        tls.getSpec().database.secretAccess.restricted = true;
        tls.getSpec().database.secretAccess.principals = List.of("arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef");
        plans.put("webplatform-tls-long-dotted-names-every-option", Plan.of(tls, null).toYaml());
        WebPlatform fromSnapshot = platform();
        fromSnapshot.getSpec().database.restore = new WebPlatformSpec.Restore();
        fromSnapshot.getSpec().database.restore.fromSnapshot = "shop-before-upgrade";
        plans.put("webplatform-restore-from-snapshot", Plan.of(fromSnapshot, null).toYaml());
        WebPlatform pointInTime = platform();
        pointInTime.getSpec().database.restore = new WebPlatformSpec.Restore();
        pointInTime.getSpec().database.restore.fromInstance = "wp-demo-shop-0123ab";
        pointInTime.getSpec().database.restore.toTime = Instant.parse("2026-12-01T10:00:00Z").toString();
        plans.put("webplatform-restore-to-point-in-time", Plan.of(pointInTime, null).toYaml());
        return plans;
    }

    private static WebPlatform platform() throws IOException {
        return Serialization.unmarshal(Files.readString(Path.of("samples/webplatform.yaml")), WebPlatform.class);
    }

    @Test
    void cfnLintFindsNoErrorInAnyPlan() throws Exception {
        Path cfnLint = PinnedTool.find("cfn-lint", "CFN_LINT_VERSION", "cfn-lint ");
        List<String> command = new ArrayList<>(List.of(cfnLint.toString(), "--format", "json"));
        command.add(PLANS + "/*.yaml");
        PinnedTool.Result r = PinnedTool.run(command, Map.of());
        JsonNode matches = JSON.readTree(r.out().isBlank() ? "[]" : r.out());
        Map<String, List<String>> byLevel = new TreeMap<>();
        matches.forEach(m -> byLevel.computeIfAbsent(m.path("Level").asText(), k -> new ArrayList<>()).add(
                Path.of(m.path("Filename").asText()).getFileName() + ": " + m.path("Rule").path("Id").asText() + " "
                        + m.path("Message").asText()));
        System.out.printf("[measure] cfn-lint over %d plans: %s%n", plans().size(),
                byLevel.entrySet().stream().map(e -> e.getValue().size() + " " + e.getKey()).collect(Collectors.joining(", ")));
        byLevel.forEach((level, found) -> found.forEach(f -> System.out.println("[cfn-lint] " + level + " " + f)));
        assertThat(byLevel.getOrDefault("Error", List.of())).as("cfn-lint errors (stderr: " + r.err() + ")").isEmpty();
        assertThat(r.exit() & 2).as("cfn-lint's exit code has no error bit").isZero();
    }

    @Test
    void everyCheckCheckovFailsIsFixedOrSkippedWithAReason() throws Exception {
        Checkov.Report report = Checkov.scan(PLANS, "cloudformation");
        Checkov.Accepted skips = Checkov.Accepted.read(SKIPS, "skipped");
        List<Checkov.Failure> unexplained = skips.unexplained(report.failed());
        System.out.printf("[measure] checkov over %d plans: %d passed, %d failed, all %d covered by %d skips%n",
                plans().size(), report.passed(), report.failed().size(), report.failed().size() - unexplained.size(), skips.entries().size());
        assertThat(unexplained).as("failed checks that " + SKIPS + " does not explain: fix what the operator builds, or skip with a reason")
                .isEmpty();
        assertThat(skips.stale(report.failed())).as("skips that match no failed check any more: remove them").isEmpty();
        skips.checkReadme("PlanLintersTest", skips.table("| checkov check | resources | why it is not fixed here |",
                s -> "| `" + s.path("check").asText() + "` " + s.path("title").asText() + " | " + Checkov.cell(s.path("resources").asText())
                        + " | " + s.path("reason").asText() + " |"));
    }
}
