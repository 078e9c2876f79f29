package io.webplatform.operator.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the in-process operator called during the end-to-end classes, kept for AwsPermissionsIT:
 * after each test, the operator's API-call counter (service:Operation of every series, whatever
 * its outcome) goes to target/e2e-calls/&lt;class&gt;.calls; when a class has finished, this extension
 * writes &lt;class&gt;.finished. The directory is emptied once per JVM, so a partial run never passes
 * for a whole one. The policy documents the operator wrote go beside them ({@link WrittenPolicies}).
 */
public class EndToEndSuite implements AfterAllCallback {
    public static final Path DIR = Path.of("target/e2e-calls");
    private static final String CLEARED = "webplatform.e2e-calls.cleared";
    private static final Pattern SERIES = Pattern.compile("^webplatform_aws_api_calls_total\\{([^}]*)}", Pattern.MULTILINE);

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        clearOnce();
        Files.writeString(DIR.resolve(context.getRequiredTestClass().getSimpleName() + ".finished"), "");
    }

    /** Records the calls the operator has made so far (the counter is cumulative for the running operator). */
    public static void recordCalls(Class<?> testClass, URL metrics) {
        try {
            clearOnce();
            String body = LocalHttp.get(URI.create(metrics.toString()));
            Set<String> calls = new TreeSet<>();
            Matcher m = SERIES.matcher(body);
            while (m.find()) {
                calls.add(label(m.group(1), "service") + ":" + label(m.group(1), "operation"));
            }
            Files.writeString(DIR.resolve(testClass.getSimpleName() + ".calls"), String.join("\n", calls) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String label(String labels, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(labels);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " label in " + labels);
        }
        return m.group(1);
    }

    /** Empties this directory and {@link WrittenPolicies#DIR}, once per JVM. */
    static synchronized void clearOnce() throws IOException {
        if (System.getProperty(CLEARED) == null) {
            for (Path dir : List.of(DIR, WrittenPolicies.DIR)) {
                if (Files.exists(dir)) {
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
            Files.createDirectories(DIR);
            System.setProperty(CLEARED, "true");
        }
    }
}
