package io.webplatform.operator.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        plans.put("securebucket-long-dotted-names-delete", Plan.of(everything, null).toYaml());

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
        Path cfnLint = tool("cfn-lint", "CFN_LINT_VERSION", "cfn-lint ");
        List<String> command = new ArrayList<>(List.of(cfnLint.toString(), "--format", "json"));
        command.add(PLANS + "/*.yaml");
        Result r = run(command, Map.of());
        JsonNode matches = JSON.readTree(r.out.isBlank() ? "[]" : r.out);
        Map<String, List<String>> byLevel = new TreeMap<>();
        matches.forEach(m -> byLevel.computeIfAbsent(m.path("Level").asText(), k -> new ArrayList<>()).add(
                Path.of(m.path("Filename").asText()).getFileName() + ": " + m.path("Rule").path("Id").asText() + " "
                        + m.path("Message").asText()));
        System.out.printf("[measure] cfn-lint over %d plans: %s%n", plans().size(),
                byLevel.entrySet().stream().map(e -> e.getValue().size() + " " + e.getKey()).collect(Collectors.joining(", ")));
        byLevel.forEach((level, found) -> found.forEach(f -> System.out.println("[cfn-lint] " + level + " " + f)));
        assertThat(byLevel.getOrDefault("Error", List.of())).as("cfn-lint errors (stderr: " + r.err + ")").isEmpty();
        assertThat(r.exit & 2).as("cfn-lint's exit code has no error bit").isZero();
    }

    @Test
    void everyCheckCheckovFailsIsFixedOrSkippedWithAReason() throws Exception {
        Path checkov = tool("checkov", "CHECKOV_VERSION", "");
        Result r = run(List.of(checkov.toString(), "-d", PLANS.toString(), "--framework", "cloudformation", "-o", "json", "--quiet",
                "--skip-download"), Map.of("BC_SKIP_MAPPING", "TRUE"));
        JsonNode report = JSON.readTree(r.out);
        List<String> failed = new ArrayList<>();
        int passed = 0;
        for (JsonNode framework : report.isArray() ? report : JSON.createArrayNode().add(report)) {
            passed += framework.path("summary").path("passed").asInt();
            framework.path("results").path("failed_checks").forEach(c ->
                    failed.add(c.path("check_id").asText() + " " + c.path("resource").asText() + " in "
                            + Path.of(c.path("file_path").asText()).getFileName()));
        }
        JsonNode skips = JSON.readTree(SKIPS.toFile()).path("skipped");
        List<String> unexplained = failed.stream().filter(f -> matching(skips, f).isEmpty()).toList();
        List<String> stale = new ArrayList<>();
        skips.forEach(s -> {
            if (failed.stream().noneMatch(f -> matches(s, f))) {
                stale.add(s.path("check").asText() + " " + s.path("resources").asText());
            }
        });
        System.out.printf("[measure] checkov over %d plans: %d passed, %d failed, all %d covered by %d skips%n",
                plans().size(), passed, failed.size(), failed.size() - unexplained.size(), skips.size());
        assertThat(passed).as("checkov ran its checks (stderr: " + r.err + ")").isPositive();
        assertThat(unexplained).as("failed checks that " + SKIPS + " does not explain: fix what the operator builds, or skip with a reason")
                .isEmpty();
        assertThat(stale).as("skips that match no failed check any more: remove them").isEmpty();
        checkReadmeTable(skips);
    }

    private static Optional<JsonNode> matching(JsonNode skips, String failed) {
        for (JsonNode s : skips) {
            if (matches(s, failed)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** "CKV_AWS_18 AWS::S3::Bucket.Bucket in x.yaml" against {check, resources (regex on type.logicalId)}. */
    private static boolean matches(JsonNode skip, String failed) {
        String[] parts = failed.split(" ");
        return parts[0].equals(skip.path("check").asText()) && parts[1].matches(skip.path("resources").asText());
    }

    private static void checkReadmeTable(JsonNode skips) throws IOException {
        StringBuilder table = new StringBuilder("| checkov check | resources | why it is not fixed here |\n|---|---|---|\n");
        skips.forEach(s -> table.append("| `").append(s.path("check").asText()).append("` ").append(s.path("title").asText())
                .append(" | `").append(s.path("resources").asText().replace("|", "\\|")).append("` | ").append(s.path("reason").asText())
                .append(" |\n"));
        Path readme = Path.of("README.md");
        String text = Files.readString(readme);
        Matcher m = Pattern.compile("(<!-- generated from src/test/resources/checkov-skips.json by PlanLintersTest -->\n)(.*?)(<!-- end -->)",
                Pattern.DOTALL).matcher(text);
        assertThat(m.find()).as("the README has the checkov table").isTrue();
        if (Boolean.getBoolean("readme.update")) {
            Files.writeString(readme, text.substring(0, m.start(2)) + table + text.substring(m.end(2)));
            return;
        }
        assertThat(m.group(2)).as("the README's checkov table (rerun with -Dreadme.update=true)").isEqualTo(table.toString());
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("lint", ".out");
        Path err = Files.createTempFile("lint", ".err");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c", String.join(" ", command.stream()
                .map(a -> a.contains("*") ? a : "'" + a + "'").toList()))).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(new File("/dev/null"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(command.get(0) + " did not finish in 10 minutes");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The tool where hack/testbed-build.sh installs it or on the PATH, at the version it pins; CI=true fails without it. */
    private static Path tool(String name, String versionVariable, String versionPrefix) throws Exception {
        // Where the build script installs it first: a shim of another Python on the PATH may lack it.
        Optional<Path> found = Stream.concat(Stream.of(Path.of(System.getProperty("user.home"), ".webplatform", "bin")),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).filter(d -> !d.isBlank()).map(Path::of))
                .map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
        Matcher pinned = Pattern.compile(versionVariable + "=\"\\$\\{" + versionVariable + ":-([^}]+)}\"")
                .matcher(Files.readString(Path.of("hack/testbed-build.sh")));
        assertThat(pinned.find()).as("hack/testbed-build.sh pins " + versionVariable).isTrue();
        String install = "install it with hack/testbed-build.sh linters (pip install " + name + "==" + pinned.group(1) + ")";
        if (found.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail(name + " is missing: " + install);
            }
            assumeTrue(false, name + " is not installed: " + install);
        }
        Result version = run(List.of(found.get().toString(), "--version"), Map.of("BC_SKIP_MAPPING", "TRUE"));
        assertThat(version.out.strip()).as(found.get() + " --version; " + install).isEqualTo(versionPrefix + pinned.group(1));
        return found.get();
    }
}
