package io.webplatform.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A brand-new Kubernetes control plane beside the test bed: fresh etcd data, its own kube-apiserver,
 * certificates and admin kubeconfig, made by {@code hack/testbed.sh start-cluster}, and talking to the
 * test bed's moto like any cluster of the same AWS account. {@link #close()} throws it away
 * ({@code hack/testbed.sh delete-cluster}: stopped, data deleted) without deleting any custom resource
 * first: the cloud outlives the cluster, as when a cluster is lost or replaced.
 * <p>
 * Ports: etcd from ETCD_PORT + 1000 (two each: client and peer), the API server from APISERVER_PORT + 1000,
 * the next free slot. Directory: $TESTBED_DIR/clusters/&lt;name&gt;-&lt;slot&gt; (its logs stay there).
 */
public final class ThrowAwayCluster implements AutoCloseable {
    private static final Path SCRIPT = Path.of("hack/testbed.sh");
    private static final AtomicInteger NEXT_SLOT = new AtomicInteger();

    private final String name;
    private final Path dir;
    private final int etcdPort;
    private final int apiserverPort;
    private boolean deleted;

    private ThrowAwayCluster(String name, Path dir, int etcdPort, int apiserverPort) {
        this.name = name;
        this.dir = dir;
        this.etcdPort = etcdPort;
        this.apiserverPort = apiserverPort;
    }

    /** Starts a fresh control plane (a few seconds); the CRDs come with the chart ({@link #installChart}). */
    public static ThrowAwayCluster start(String name) {
        int etcdBase = Integer.parseInt(env("ETCD_PORT", "23891")) + 1000;
        int apiserverBase = Integer.parseInt(env("APISERVER_PORT", "16543")) + 1000;
        for (int tries = 0; tries < 50; tries++) {
            int slot = NEXT_SLOT.getAndIncrement();
            int etcd = etcdBase + 2 * slot;
            int apiserver = apiserverBase + slot;
            if (!free(etcd) || !free(etcd + 1) || !free(apiserver)) {
                continue;
            }
            Path dir = Path.of(env("TESTBED_DIR", "target/testbed")).toAbsolutePath().resolve("clusters").resolve(name + "-" + slot);
            ThrowAwayCluster cluster = new ThrowAwayCluster(name + "-" + slot, dir, etcd, apiserver);
            cluster.script("start-cluster");
            return cluster;
        }
        throw new IllegalStateException("no free ports for a throw-away cluster from " + etcdBase + " / " + apiserverBase);
    }

    public String name() {
        return name;
    }

    /** The admin kubeconfig of this cluster (a token of system:masters). */
    public Path kubeconfig() {
        return dir.resolve("kubeconfig");
    }

    public Kubectl.Result kubectl(String... args) {
        return Kubectl.runOn(kubeconfig(), null, args);
    }

    public Kubectl.Result apply(String namespace, String yaml) {
        return Kubectl.runOn(kubeconfig(), yaml, "apply", "-n", namespace, "-f", "-");
    }

    public void createNamespace(String namespace) {
        kubectl("create", "namespace", namespace).ok();
    }

    /** The chart, CRDs included, as {@link OperatorProcess#installChart(Path, String, String, String...)} installs it. */
    public void installChart(String release, String namespace, String... setValues) {
        OperatorProcess.installChart(kubeconfig(), release, namespace, setValues);
        kubectl("wait", "--for=condition=Established", "crd/securebuckets.webplatform.io", "crd/webplatforms.webplatform.io",
                "--timeout=60s").ok();
    }

    /**
     * The packaged operator as the release's Deployment would run it: with only its ServiceAccount's token
     * and the environment the chart rendered (HTTP_PORT replaced: several run on one host).
     */
    public OperatorProcess startOperator(String release, String namespace, int httpPort) throws IOException {
        String serviceAccount = kubectl("get", "deployment", "-n", namespace, "-l", "app.kubernetes.io/instance=" + release,
                "-o", "jsonpath={.items[0].spec.template.spec.serviceAccountName}").ok().out().trim();
        Map<String, String> env = new java.util.HashMap<>(OperatorProcess.chartEnv(kubeconfig(), release, namespace));
        env.remove("HTTP_PORT");
        return OperatorProcess.start(name, OperatorProcess.kubeconfigFor(kubeconfig(), serviceAccount, namespace), namespace,
                env.get("WEBPLATFORM_LEASE_NAME"), httpPort, env);
    }

    /** Stops the API server and etcd and deletes their data; the custom resources go with it, their AWS resources stay. */
    @Override
    public void close() {
        if (!deleted) {
            script("delete-cluster");
            deleted = true;
        }
    }

    private void script(String command) {
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("testbed.log");
            ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(Map.of("TESTBED_DIR", dir.toString(), "ETCD_PORT", Integer.toString(etcdPort),
                    "APISERVER_PORT", Integer.toString(apiserverPort)));
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("hack/testbed.sh " + command + " timed out; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("hack/testbed.sh " + command + " failed (" + p.exitValue() + "):\n" + Files.readString(log)
                        + "\nsee " + dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
