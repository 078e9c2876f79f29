package io.webplatform.operator.e2e;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.webplatform.operator.testing.EndToEndSuite;
import io.webplatform.operator.testing.OperatorPolicies;
import io.webplatform.operator.testing.WrittenPolicies;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every IAM policy document of the operator through parliament (Duo Labs' IAM policy auditor): the
 * managed policies it ships, its IRSA trust policy as the README fills it in, and every document it
 * wrote to AWS during the end-to-end suite ({@link WrittenPolicies}: bucket, key and role policies).
 * Zero findings, except those src/test/resources/parliament-allowlist.json accepts with a reason.
 * Parliament's own ignore file carries no reasons and cannot name a statement, so the filter is
 * here. A known-bad canary goes through the same run, so a linter that silently checks nothing
 * fails. Runs after the tests (failsafe); under CI=true a missing parliament fails.
 */
class ParliamentIT {
    static final Path ALLOWLIST = Path.of("src/test/resources/parliament-allowlist.json");
    static final Path WORK = Path.of("target/parliament");
    static final Pattern PINNED = Pattern.compile("PARLIAMENT_VERSION:-([0-9.]+)");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Finding(String file, String issue, String severity, String statement, JsonNode detail) {
        List<String> actions() {
            List<String> out = new ArrayList<>();
            if (detail.isArray()) {
                detail.forEach(d -> out.add(d.isObject() ? d.path("action").asText() : d.asText()));
            }
            return out;
        }

        String detailText() {
            return detail.isTextual() ? detail.asText() : detail.toString();
        }

        @Override
        public String toString() {
            return file + (statement == null ? "" : " statement " + statement) + ": " + severity + " " + issue + " " + detailText();
        }
    }

    record Accepted(String files, String statement, String issue, List<String> actions, String detail, String reason) {
        static Accepted of(JsonNode n) {
            List<String> actions = n.has("actions") ? OperatorPolicies.strings(n.get("actions")) : null;
            return new Accepted(n.path("files").asText(), n.has("statement") ? n.get("statement").asText() : null,
                    n.path("issue").asText(), actions, n.has("detail") ? n.get("detail").asText() : null, n.path("reason").asText());
        }

        boolean covers(String file) {
            return FileSystems.getDefault().getPathMatcher("glob:" + files).matches(Path.of(file));
        }

        boolean accepts(Finding f) {
            if (!covers(f.file()) || !issue.equals(f.issue())) {
                return false;
            }
            if (statement == null ? f.statement() != null : f.statement() == null || !f.statement().matches(statement)) {
                return false;
            }
            if (actions != null && (f.actions().isEmpty() || !actions.containsAll(f.actions()))) {
                return false;
            }
            return detail == null || Pattern.compile(detail).matcher(f.detailText()).find();
        }

        @Override
        public String toString() {
            return files + " " + (statement == null ? "(document)" : statement) + " " + issue;
        }
    }

    @Test
    void everyPolicyPassesParliamentSaveWhatTheAllowlistExplains() throws Exception {
        Path parliament = parliament();
        List<Accepted> allowlist = new ArrayList<>();
        MAPPER.readTree(ALLOWLIST.toFile()).get("accepted").forEach(n -> allowlist.add(Accepted.of(n)));
        for (Accepted a : allowlist) {
            assertThat(a.reason()).as("reason of " + a).isNotBlank();
            assertThat(a.issue()).as("issue of " + a).isNotBlank();
        }

        // What is linted, by the name findings are reported under.
        Map<String, Path> linted = new LinkedHashMap<>();
        OperatorPolicies.files().forEach(f -> linted.put(f.toString(), f));
        Files.createDirectories(WORK);
        Path trust = WORK.resolve("iam-trust-irsa.json");
        Files.writeString(trust, Files.readString(OperatorPolicies.IRSA_TRUST).replace("<account>", "123456789012")
                .replace("<oidc>", "oidc.eks.eu-west-3.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"));
        linted.put(OperatorPolicies.IRSA_TRUST.toString(), trust);
        List<Path> written = writtenDocuments();
        written.forEach(f -> linted.put(f.toString(), f));
        // The finding this project once shipped: sns:Unsubscribe on a topic ARN, which a subscription ARN never matches.
        Path canary = WORK.resolve("canary.json");
        Files.writeString(canary, """
                {"Version": "2012-10-17", "Statement": [{"Sid": "Canary", "Effect": "Allow",
                  "Action": ["sns:Unsubscribe"], "Resource": "arn:aws:sns:*:*:*-alarms"}]}
                """);
        linted.put(canary.toString(), canary);

        List<Finding> findings = run(parliament, linted);
        System.out.printf("[measure] parliament linted %d documents (%d written by the operator during the end-to-end suite): %d findings%n",
                linted.size() - 1, written.size(), findings.size());

        List<Finding> fromCanary = findings.stream().filter(f -> f.file().equals(canary.toString())).toList();
        assertThat(fromCanary).as("parliament finds the canary's mistake").anySatisfy(f -> {
            assertThat(f.issue()).isEqualTo("RESOURCE_MISMATCH");
            assertThat(f.actions()).contains("sns:Unsubscribe");
        });
        List<Finding> real = findings.stream().filter(f -> !f.file().equals(canary.toString())).toList();
        List<Finding> unexplained = real.stream().filter(f -> allowlist.stream().noneMatch(a -> a.accepts(f))).toList();
        assertThat(unexplained).as("parliament findings that " + ALLOWLIST + " does not accept: fix the policy, or accept the"
                + " finding there with its reason").isEmpty();
        List<Accepted> stale = allowlist.stream()
                .filter(a -> linted.keySet().stream().anyMatch(a::covers))
                .filter(a -> real.stream().noneMatch(a::accepts)).toList();
        assertThat(stale).as("allowlist entries that no finding needs any more: remove them").isEmpty();
    }

    /** The documents the end-to-end classes wrote; each kind must be there when a class that writes it finished. */
    private static List<Path> writtenDocuments() throws IOException {
        List<Path> written = new ArrayList<>();
        if (Files.isDirectory(WrittenPolicies.DIR)) {
            try (Stream<Path> files = Files.list(WrittenPolicies.DIR)) {
                files.filter(p -> p.toString().endsWith(".json")).sorted().forEach(written::add);
            }
        }
        for (Class<?> writer : List.of(SecureBucketEndToEndTest.class, WebPlatformEndToEndTest.class)) {
            if (Files.exists(EndToEndSuite.DIR.resolve(writer.getSimpleName() + ".finished"))) {
                for (String kind : WrittenPolicies.KINDS) {
                    assertThat(written).as(writer.getSimpleName() + " ran: the " + kind + " documents it wrote were read back")
                            .anyMatch(p -> p.getFileName().toString().startsWith(kind + "-"));
                }
            }
        }
        return written;
    }

    private static List<Finding> run(Path parliament, Map<String, Path> linted) throws Exception {
        Map<String, String> reportedAs = new LinkedHashMap<>();
        linted.forEach((name, file) -> reportedAs.put(file.toString(), name));
        Path out = WORK.resolve("findings.jsonl");
        Path err = WORK.resolve("parliament.err");
        Process p = new ProcessBuilder(parliament.toString(), "--files", String.join(",", reportedAs.keySet()), "--json",
                "--minimum_severity", "INFO")
                .redirectInput(new File("/dev/null")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("parliament did not finish in 5 minutes");
        }
        assertThat(p.exitValue()).as("parliament's exit (0: no finding, 1: findings); stderr: " + Files.readString(err)).isIn(0, 1);
        Map<String, List<Span>> statementLines = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode f = MAPPER.readTree(line);
            JsonNode location = f.path("location");
            String path = location.path("filepath").asText();
            assertThat(reportedAs).as("a finding about a file that was linted: " + line).containsKey(path);
            String statement = null;
            if (location.has("line")) {
                statement = statementAt(Path.of(path), location.get("line").asInt(), statementLines);
            }
            findings.add(new Finding(reportedAs.get(path), f.path("issue").asText(), f.path("severity").asText(), statement,
                    f.path("detail")));
        }
        return findings;
    }

    record Span(int from, int to, String sid) {
    }

    /** The Sid of the statement whose text spans the line (parliament reports lines, not statements). */
    static String statementAt(Path file, int line, Map<String, List<Span>> cache) throws IOException {
        List<Span> spans = cache.get(file.toString());
        if (spans == null) {
            spans = statements(file);
            cache.put(file.toString(), spans);
        }
        // The last that spans it: where one statement ends on the line the next starts, parliament means the next.
        return spans.stream().filter(s -> s.from() <= line && line <= s.to()).map(Span::sid).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("line " + line + " of " + file + " is in no statement"));
    }

    /** Where each statement of a policy document starts and ends, with its Sid. */
    static List<Span> statements(Path file) throws IOException {
        List<Span> spans = new ArrayList<>();
        try (JsonParser parser = MAPPER.getFactory().createParser(file.toFile())) {
            int depth = 0;
            boolean inStatements = false;
            int start = 0;
            String sid = "";
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                    if (inStatements && t == JsonToken.START_OBJECT && depth == 3) {
                        start = parser.currentTokenLocation().getLineNr();
                        sid = "";
                    }
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    if (inStatements && t == JsonToken.END_OBJECT && depth == 3) {
                        spans.add(new Span(start, parser.currentTokenLocation().getLineNr(), sid));
                    }
                    if (depth == 2 && t == JsonToken.END_ARRAY) {
                        inStatements = false;
                    }
                    depth--;
                } else if (t == JsonToken.FIELD_NAME && depth == 1 && "Statement".equals(parser.currentName())) {
                    inStatements = true;
                } else if (t == JsonToken.FIELD_NAME && inStatements && depth == 3 && "Sid".equals(parser.currentName())) {
                    sid = parser.nextTextValue();
                }
            }
        }
        return spans;
    }

    /** Parliament on the PATH or where hack/testbed-build.sh installs it, at the version it pins. */
    private static Path parliament() throws Exception {
        Optional<Path> found = Stream.concat(
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).filter(d -> !d.isBlank()).map(Path::of),
                        Stream.of(Path.of(System.getProperty("user.home"), ".webplatform", "bin")))
                .map(d -> d.resolve("parliament")).filter(Files::isExecutable).findFirst();
        String install = "install it with hack/testbed-build.sh parliament (pip install parliament==" + pinnedVersion() + ")";
        if (found.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("parliament is missing: " + install);
            }
            assumeTrue(false, "parliament is not installed: " + install);
        }
        Process p = new ProcessBuilder(found.get().toString(), "--version").redirectErrorStream(true)
                .redirectInput(new File("/dev/null")).start();
        String version = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(version).as(found.get() + " --version; " + install).isEqualTo("parliament " + pinnedVersion());
        return found.get();
    }

    static String pinnedVersion() throws IOException {
        Matcher m = PINNED.matcher(Files.readString(Path.of("hack/testbed-build.sh")));
        assertThat(m.find()).as("hack/testbed-build.sh pins PARLIAMENT_VERSION").isTrue();
        return m.group(1);
    }
}
