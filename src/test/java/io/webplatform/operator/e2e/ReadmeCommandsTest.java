package io.webplatform.operator.e2e;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shell block of the README says which test or script runs it, and that one really does:
 * ReadmeWalkthroughIT, ClusterRebuildIT and SandboxIT run their blocks line by line; the two commands are what
 * .ci/run and SandboxIT call. A block without a runner fails here, so the README cannot rot.
 */
class ReadmeCommandsTest {
    static final Pattern SHELL_BLOCK = Pattern.compile("(?:(<!-- run by: [^>]+ -->)\\n)?```sh\\n");
    static final List<String> RUNNERS = List.of(
            "<!-- run by: .ci/run (hack/test.sh) and SandboxIT (hack/sandbox.sh) -->",
            "<!-- run by: SandboxIT -->",
            ReadmeWalkthroughIT.MARKER,
            ClusterRebuildIT.MARKER,
            ObserveOnlyEndToEndTest.MARKER,
            DeleteBlockedEndToEndTest.MARKER);

    /** The sh block that follows a runner's marker in the README. */
    static String shellBlockMarked(String marker) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf(marker);
        assertThat(at).as("README has the marker " + marker).isNotNegative();
        int start = readme.indexOf("```sh\n", at) + 6;
        return readme.substring(start, readme.indexOf("```", start));
    }

    @Test
    void everyShellBlockNamesItsRunner() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = SHELL_BLOCK.matcher(readme);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            String line = readme.substring(0, m.start()).split("\n").length + 1 + "";
            assertThat(m.group(1)).as("the sh block at README line " + line + " names the test that runs it").isNotNull();
            assertThat(RUNNERS).as("runner of the block at line " + line).contains(m.group(1));
            assertThat(readme.indexOf(m.group(1))).as(m.group(1) + " marks one block only").isEqualTo(readme.lastIndexOf(m.group(1)));
        }
        assertThat(blocks).isEqualTo(RUNNERS.size());
    }

    @Test
    void theTwoCommandsAreWhatCiAndTheSandboxTestRun() throws IOException {
        assertThat(Files.readString(Path.of(".ci/run"))).contains("exec hack/test.sh");
        assertThat(Files.readString(Path.of("src/test/java/io/webplatform/operator/e2e/SandboxIT.java"))).contains("\"hack/sandbox.sh\"");
        assertThat(Files.readString(Path.of("README.md"))).contains("hack/sandbox.sh     #").contains("hack/test.sh        #");
    }
}
