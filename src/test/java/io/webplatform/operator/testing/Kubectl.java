package io.webplatform.operator.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl, as a user runs it, against the test bed's API server (KUBECONFIG). */
public final class Kubectl {
    private Kubectl() {
    }

    public record Result(int exit, String out, String err) {
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError("kubectl failed (" + exit + "): " + err + out);
            }
            return this;
        }
    }

    public static Result run(String... args) {
        return runWithInput(null, args);
    }

    public static Result apply(String namespace, String yaml) {
        return runWithInput(yaml, "apply", "-n", namespace, "-f", "-");
    }

    public static Result runWithInput(String stdin, String... args) {
        if (System.getenv("KUBECONFIG") == null) {
            throw new IllegalStateException("KUBECONFIG is not set: run the tests with hack/test.sh");
        }
        List<String> command = new ArrayList<>();
        command.add(tool("kubectl"));
        command.addAll(List.of(args));
        return exec(command, stdin);
    }

    /** kubectl against another cluster than the test bed's (a {@link ThrowAwayCluster}). */
    public static Result runOn(Path kubeconfig, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(tool("kubectl"), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return exec(command, stdin);
    }

    public static Result exec(List<String> command, String stdin) {
        try {
            Path out = Files.createTempFile("cmd", ".out");
            Path err = Files.createTempFile("cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A tool from PATH (hack/testbed.sh puts kubectl and helm there). */
    public static String tool(String name) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(name + " is not on PATH: run the tests with hack/test.sh");
    }

    /** A fresh namespace per test, left in place afterwards (deleting one is a test of its own: NamespaceDeletionEndToEndTest). */
    public static String newNamespace(String prefix) {
        String ns = prefix + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        run("create", "namespace", ns).ok();
        return ns;
    }
}
