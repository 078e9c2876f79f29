package io.webplatform.operator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The packaged operator (target/quarkus-app) as a separate process, running as a ServiceAccount
 * of the chart: installed with helm into its own namespace, with a token minted for it by the API
 * server (TokenRequest) and nothing else. For tests of what only a real deployment shows: RBAC,
 * leader election, several deployments splitting a cluster.
 */
public final class OperatorProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final Process process;
    private final Path log;
    private final int httpPort;

    private OperatorProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** Installs the chart as release {@code release} in {@code namespace} (Deployment scaled to 0: no kubelet here). */
    public static void installChart(String release, String namespace, String... setValues) {
        installChart(testBed(), release, namespace, setValues);
    }

    /** The same, in the cluster of that admin kubeconfig; an installed release is upgraded with the values given. */
    public static void installChart(Path kubeconfig, String release, String namespace, String... setValues) {
        List<String> command = new ArrayList<>(List.of(Kubectl.tool("helm"), "--kubeconfig", kubeconfig.toString(),
                "upgrade", "--install", release, "helm/webplatform-operator", "--namespace", namespace, "--create-namespace",
                "--set", "replicas=0", "--set", "aws.region=" + Emulator.REGION, "--set", "aws.endpoint=" + Emulator.endpoint()));
        for (String v : setValues) {
            command.add("--set");
            command.add(v);
        }
        Kubectl.exec(command, null).ok();
    }

    /** Removes the release, cluster-scoped RBAC included (the namespace stays: Helm does not delete it). */
    public static void uninstallChart(String release, String namespace) {
        Kubectl.exec(List.of(Kubectl.tool("helm"), "uninstall", release, "--namespace", namespace), null);
    }

    /** A kubeconfig holding only a fresh token of the release's ServiceAccount. */
    public static Path kubeconfigFor(String serviceAccount, String namespace) throws IOException {
        return kubeconfigFor(testBed(), serviceAccount, namespace);
    }

    /** The same, in the cluster of that admin kubeconfig. */
    public static Path kubeconfigFor(Path adminKubeconfig, String serviceAccount, String namespace) throws IOException {
        String token = Kubectl.runOn(adminKubeconfig, null, "create", "token", serviceAccount, "-n", namespace, "--duration=2h")
                .ok().out().trim();
        String admin = Files.readString(adminKubeconfig);
        Path file = Files.createTempFile("operator-" + serviceAccount, ".kubeconfig");
        Files.writeString(file, admin.replaceAll("(?m)^(\\s*)token: .*$", "$1token: " + token)
                .replaceAll("(?m)^(\\s*)client-certificate-data: .*\\n", "").replaceAll("(?m)^(\\s*)client-key-data: .*\\n", ""));
        return file;
    }

    /**
     * The environment the chart gives the operator's container: every variable of the release's Deployment
     * with a literal value (those read from the pod, its name and namespace, are the process's own here).
     */
    public static Map<String, String> chartEnv(Path kubeconfig, String release, String namespace) {
        String json = Kubectl.runOn(kubeconfig, null, "get", "deployment", "-n", namespace, "-l", "app.kubernetes.io/instance=" + release,
                "-o", "jsonpath={.items[0].spec.template.spec.containers[0].env}").ok().out();
        Map<String, String> env = new HashMap<>();
        try {
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).forEach(v -> {
                if (v.has("value")) {
                    env.put(v.path("name").asText(), v.path("value").asText());
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return env;
    }

    private static Path testBed() {
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig == null) {
            throw new IllegalStateException("KUBECONFIG is not set: run the tests with hack/test.sh");
        }
        return Path.of(kubeconfig);
    }

    /** Starts the operator with that identity; {@code env} adds or overrides variables (WATCH_NAMESPACES ...). */
    public static OperatorProcess start(String name, Path kubeconfig, String operatorNamespace, String leaseName, int httpPort,
                                        Map<String, String> env) throws IOException {
        Path log = Files.createTempFile("operator-" + name, ".log");
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> e = new HashMap<>(Map.of(
                "KUBECONFIG", kubeconfig.toString(), "HTTP_PORT", Integer.toString(httpPort),
                "OPERATOR_NAMESPACE", operatorNamespace, "WEBPLATFORM_LEASE_NAME", leaseName,
                "WEBPLATFORM_RESYNC_PERIOD", "PT10S", "WEBPLATFORM_DRIFT_CHECK_PERIOD", "PT10S", "AWS_ENDPOINT_URL", Emulator.endpoint().toString(),
                "AWS_REGION", Emulator.REGION, "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing"));
        e.putAll(env);
        pb.environment().putAll(e);
        OperatorProcess op = new OperatorProcess(pb.start(), log, httpPort);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!op.process.isAlive()) {
                throw new AssertionError("operator " + name + " exited:\n" + op.log());
            }
            return op.log().contains("Installed features");
        });
        return op;
    }

    public long pid() {
        return process.pid();
    }

    public int httpPort() {
        return httpPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Like a node dying: no shutdown hook, no lease released. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as Kubernetes stops a pod; true when the process has exited within the given time. */
    public boolean terminate(Duration within) throws InterruptedException {
        process.destroy();
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive() && !terminate(Duration.ofSeconds(20))) {
            kill();
        }
    }
}
