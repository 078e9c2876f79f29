package io.webplatform.operator;

import io.webplatform.operator.bucket.SecureBucketGraph;
import io.webplatform.operator.platform.WebPlatformGraph;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's diagrams are the graphs the operator walks, generated from WebPlatformGraph and
 * SecureBucketGraph. {@code -Dreadme.update=true} rewrites them after a change to a graph.
 */
class ArchitectureDiagramTest {
    private static final Path README = Path.of("README.md");

    @Test
    void theReadmeDrawsTheWebPlatformGraph() throws IOException {
        checkDiagram("WebPlatformGraph", WebPlatformGraph.create().mermaid());
    }

    @Test
    void theReadmeDrawsTheSecureBucketGraph() throws IOException {
        checkDiagram("SecureBucketGraph", SecureBucketGraph.create().mermaid());
    }

    private static void checkDiagram(String graph, String mermaid) throws IOException {
        String readme = Files.readString(README);
        Pattern block = Pattern.compile("(<!-- generated from " + graph + " by ArchitectureDiagramTest -->\n```mermaid\n)(.*?)(```\n)", Pattern.DOTALL);
        Matcher m = block.matcher(readme);
        assertThat(m.find()).as("README has a generated block for " + graph).isTrue();
        if (Boolean.getBoolean("readme.update")) {
            Files.writeString(README, readme.substring(0, m.start(2)) + mermaid + readme.substring(m.end(2)));
            return;
        }
        assertThat(m.group(2)).as("the README's diagram of " + graph + " (rerun with -Dreadme.update=true to rewrite it)")
                .isEqualTo(mermaid);
    }
}
