package io.webplatform.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * checkov (pinned by hack/testbed-build.sh), offline, over a file or directory, and the reviewed file of the
 * failed checks a test accepts: each entry names the check, a regex on the resource, optionally a regex on the
 * file's name without its extension ({@code files}), and why. A failure no entry explains fails the test, and so
 * does an entry that explains no failure; a README table generated from the entries is kept equal to them.
 */
public final class Checkov {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkov() {
    }

    /** A failed check: its id, checkov's resource id (CloudFormation Type.LogicalId, Kubernetes Kind.namespace.name) and the file's name. */
    public record Failure(String check, String resource, String file) {
        @Override
        public String toString() {
            return check + " " + resource + " in " + file;
        }
    }

    public record Report(int passed, List<Failure> failed) {
    }

    /** checkov's {@code framework} checks over a directory or one file, with its vendor's API switched off (BC_SKIP_MAPPING). */
    public static Report scan(Path target, String framework) throws Exception {
        Path checkov = PinnedTool.find("checkov", "CHECKOV_VERSION", "");
        PinnedTool.Result r = PinnedTool.run(List.of(checkov.toString(), Files.isDirectory(target) ? "-d" : "-f", target.toString(),
                "--framework", framework, "-o", "json", "--quiet", "--skip-download"), Map.of("BC_SKIP_MAPPING", "TRUE"));
        JsonNode report = JSON.readTree(r.out());
        List<Failure> failed = new ArrayList<>();
        int passed = 0;
        for (JsonNode one : report.isArray() ? report : JSON.createArrayNode().add(report)) {
            passed += one.path("summary").path("passed").asInt();
            one.path("results").path("failed_checks").forEach(c -> failed.add(new Failure(c.path("check_id").asText(),
                    c.path("resource").asText(), Path.of(c.path("file_path").asText()).getFileName().toString())));
        }
        assertThat(passed).as("checkov ran its checks (stderr: " + r.err() + ")").isPositive();
        return new Report(passed, failed);
    }

    /** The entries of a reviewed file: the array {@code field} of {@code file}. */
    public record Accepted(Path file, JsonNode entries) {
        public static Accepted read(Path file, String field) throws IOException {
            JsonNode entries = JSON.readTree(file.toFile()).path(field);
            assertThat(entries.isArray()).as(file + " has the array " + field).isTrue();
            return new Accepted(file, entries);
        }

        public boolean explains(JsonNode entry, Failure failure) {
            String name = failure.file().replaceFirst("\\.[^.]*$", "");
            return failure.check().equals(entry.path("check").asText()) && failure.resource().matches(entry.path("resources").asText())
                    && (!entry.has("files") || name.matches(entry.path("files").asText()));
        }

        /** The failures no entry explains. */
        public List<Failure> unexplained(List<Failure> failed) {
            List<Failure> unexplained = new ArrayList<>();
            for (Failure f : failed) {
                boolean explained = false;
                for (JsonNode entry : entries) {
                    explained |= explains(entry, f);
                }
                if (!explained) {
                    unexplained.add(f);
                }
            }
            return unexplained;
        }

        /** The entries that explain no failure (their reason is gone: remove them). */
        public List<String> stale(List<Failure> failed) {
            List<String> stale = new ArrayList<>();
            entries.forEach(e -> {
                if (failed.stream().noneMatch(f -> explains(e, f))) {
                    stale.add(e.path("check").asText() + " " + e.path("resources").asText());
                }
            });
            return stale;
        }

        /**
         * The README's block between {@code <!-- generated from FILE by GENERATOR -->} and {@code <!-- end -->} is
         * {@code text}; {@code -Dreadme.update=true} rewrites it.
         */
        public void checkReadme(String generator, String text) throws IOException {
            checkReadme(generator, text, null);
        }

        /** As above; lines starting with {@code uncompared} are written on update but not compared. */
        public void checkReadme(String generator, String text, String uncompared) throws IOException {
            Path readme = Path.of("README.md");
            String current = Files.readString(readme);
            Matcher m = Pattern.compile("(<!-- generated from " + Pattern.quote(file.toString()) + " by " + generator + " -->\n)(.*?)(<!-- end -->)",
                    Pattern.DOTALL).matcher(current);
            assertThat(m.find()).as("the README has the table generated from " + file + " by " + generator).isTrue();
            if (Boolean.getBoolean("readme.update")) {
                Files.writeString(readme, current.substring(0, m.start(2)) + text + current.substring(m.end(2)));
                return;
            }
            assertThat(without(m.group(2), uncompared)).as("the README's table from " + file + " (rerun " + generator + " with -Dreadme.update=true)")
                    .isEqualTo(without(text, uncompared));
        }

        private static String without(String text, String prefix) {
            return prefix == null ? text : text.lines().filter(l -> !l.startsWith(prefix)).collect(java.util.stream.Collectors.joining("\n"));
        }

        /** A markdown table: the header row, then one row per entry. */
        public String table(String header, Function<JsonNode, String> row) {
            StringBuilder table = new StringBuilder(header).append('\n')
                    .append("|---".repeat((int) header.chars().filter(c -> c == '|').count() - 1)).append("|\n");
            entries.forEach(e -> table.append(row.apply(e)).append('\n'));
            return table.toString();
        }
    }

    /** A regex as a table cell shows it: in code, its pipes escaped. */
    public static String cell(String regex) {
        return "`" + regex.replace("|", "\\|") + "`";
    }
}
