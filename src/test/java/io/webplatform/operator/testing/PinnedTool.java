package io.webplatform.operator.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** A third-party judge (cfn-lint, checkov, prowler) that hack/testbed-build.sh installs at a pinned version, and how to run it. */
public final class PinnedTool {
    private PinnedTool() {
    }

    public record Result(int exit, String out, String err) {
    }

    /** Runs a command through bash (arguments holding {@code *} are left to its glob), stdin closed. */
    public static Result run(List<String> command, Map<String, String> env) throws Exception {
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
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }

    /** The tool where hack/testbed-build.sh installs it or on the PATH, at the version it pins; CI=true fails without it. */
    public static Path find(String name, String versionVariable, String versionPrefix) throws Exception {
        return find(name, versionVariable, versionPrefix, "linters", Map.of("BC_SKIP_MAPPING", "TRUE"));
    }

    /** As {@link #find(String, String, String)}, installed by the script's target {@code buildTarget}; {@code env} for its --version. */
    public static Path find(String name, String versionVariable, String versionPrefix, String buildTarget, Map<String, String> env) throws Exception {
        // Where the build script installs it first: a shim of another Python on the PATH may lack it.
        Optional<Path> found = Stream.concat(Stream.of(Path.of(System.getProperty("user.home"), ".webplatform", "bin")),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).filter(d -> !d.isBlank()).map(Path::of))
                .map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
        Matcher pinned = Pattern.compile(versionVariable + "=\"\\$\\{" + versionVariable + ":-([^}]+)}\"")
                .matcher(Files.readString(Path.of("hack/testbed-build.sh")));
        assertThat(pinned.find()).as("hack/testbed-build.sh pins " + versionVariable).isTrue();
        String install = "install it with hack/testbed-build.sh " + buildTarget + " (pip install " + name + "==" + pinned.group(1) + ")";
        if (found.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail(name + " is missing: " + install);
            }
            assumeTrue(false, name + " is not installed: " + install);
        }
        Result version = run(List.of(found.get().toString(), "--version"), env);
        assertThat(version.out.strip()).as(found.get() + " --version; " + install).isEqualTo(versionPrefix + pinned.group(1));
        return found.get();
    }
}
