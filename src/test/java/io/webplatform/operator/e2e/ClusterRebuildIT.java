package io.webplatform.operator.e2e;

import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.testing.ApiCallCounts;
import io.webplatform.operator.testing.AwsStackInventory;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.OperatorProcess;
import io.webplatform.operator.testing.ThrowAwayCluster;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cloud outlives the cluster (issue 15, "A rebuilt cluster adopts its stack"). Each test makes its
 * clusters from nothing (fresh etcd and API server, {@link ThrowAwayCluster}) against the one AWS account of
 * the test bed (moto), installs the chart as a user would, with one installation name, and runs the
 * packaged operator as the chart's Deployment would (its ServiceAccount's token, the env the chart
 * rendered). A cluster is thrown away without deleting anything in it: its operator killed, its API
 * server and etcd stopped and their data deleted. What an operator called is read from its own
 * metrics ({@link ApiCallCounts}); what exists in AWS from AWS ({@link AwsStackInventory}), never from a
 * status. Runs after `package` (failsafe).
 */
class ClusterRebuildIT {
    static final String MARKER = "<!-- run by: ClusterRebuildIT -->";
    private static final String INSTALLATION = "prod";
    private static final String RELEASE = "webplatform";
    private static final String OPERATOR_NS = "webplatform-system";
    private static final String ADOPT = "webplatform.io/adopt";
    /** Short resyncs, so a stalled or a displaced object is looked at again within seconds. */
    private static final String RESYNC = "resyncPeriod=PT10S";
    private static AwsClients aws;

    @BeforeAll
    static void clients() {
        aws = Emulator.clients();
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    /**
     * Both samples converged in cluster A; A is lost; cluster B (same installation name, adoption allowed)
     * gets the same manifests with the adopt annotation: Ready without one creating call, the very same
     * AWS resources, status and an Event listing what was adopted. Deleting them in B then leaves in AWS
     * exactly what the samples' deletion policies keep: SecureBucket Retain keeps its three buckets and
     * its key (README, "A SecureBucket"); the WebPlatform's database policy Snapshot leaves one final
     * snapshot, nothing else.
     */
    @Test
    void aRebuiltClusterAdoptsBothSamplesWithoutCreatingAnything() throws Exception {
        String ns = uniqueNamespace("rebuild");
        String bucket = sample("securebucket.yaml", ns);
        String platform = sample("webplatform.yaml", ns);
        long started = System.nanoTime();

        SortedSet<String> before;
        String bucketOutputs;
        String platformOutputs;
        String bucketUidA;
        String platformUidA;
        ApiCallCounts firstInstall;
        try (ThrowAwayCluster a = ThrowAwayCluster.start("rebuild-a")) {
            a.installChart(RELEASE, OPERATOR_NS, "installationName=" + INSTALLATION, RESYNC);
            assertThat(OperatorProcess.chartEnv(a.kubeconfig(), RELEASE, OPERATOR_NS))
                    .containsEntry("WEBPLATFORM_INSTALLATION", INSTALLATION).containsEntry("WEBPLATFORM_ADOPTION_ALLOWED", "false");
            a.createNamespace(ns);
            try (OperatorProcess operator = a.startOperator(RELEASE, OPERATOR_NS, freePort())) {
                a.apply(ns, bucket).ok();
                a.apply(ns, platform).ok();
                a.kubectl("wait", "--for=condition=Ready", "securebucket/app-logs", "webplatform/shop", "-n", ns, "--timeout=300s").ok();
                firstInstall = ApiCallCounts.scrape(operator.httpPort());
                bucketOutputs = jsonpath(a, ns, "securebucket", "app-logs", ".status.outputs");
                platformOutputs = jsonpath(a, ns, "webplatform", "shop", ".status.outputs");
                bucketUidA = jsonpath(a, ns, "securebucket", "app-logs", ".metadata.uid");
                platformUidA = jsonpath(a, ns, "webplatform", "shop", ".metadata.uid");
                before = AwsStackInventory.of(aws, ns);
                operator.kill(); // the cluster is lost: no graceful stop, nothing deleted
            }
        }
        System.out.printf("[measure] cluster A, both samples from nothing: %d creating calls (%d mutating, %d in all); %d AWS resources %s%n",
                ApiCallCounts.sum(firstInstall.creating()), ApiCallCounts.sum(firstInstall.mutating()), firstInstall.total(),
                before.size(), AwsStackInventory.counts(before));
        assertThat(before).as("the stack cluster A made").isNotEmpty();

        SoftAssertions softly = new SoftAssertions();
        try (ThrowAwayCluster b = ThrowAwayCluster.start("rebuild-b")) {
            // The README's "Rebuilding a cluster" as written: helm install under the same installation name with
            // adoption allowed; then, the operator running, the same manifests applied and annotated, waited for.
            ReadmeRebuild readme = ReadmeRebuild.in(ns, bucket, platform);
            long applied = System.nanoTime();
            readme.runHelmInstall(b);
            assertThat(OperatorProcess.chartEnv(b.kubeconfig(), readme.release(), readme.operatorNamespace()))
                    .containsEntry("WEBPLATFORM_INSTALLATION", INSTALLATION).containsEntry("WEBPLATFORM_ADOPTION_ALLOWED", "true");
            try (OperatorProcess operator = b.startOperator(readme.release(), readme.operatorNamespace(), freePort())) {
                Kubectl.Result platformDeleted;
                Kubectl.Result bucketDeleted;
                try {
                    String printed = readme.runTheRest(b);
                    assertThat(b.kubectl("get", "securebucket/app-logs", "webplatform/shop", "-n", ns, "-o",
                            "jsonpath={.items[*].metadata.annotations.webplatform\\.io/adopt}").ok().out()).isEqualTo("true true");
                    softly.assertThat(printed.strip().lines().reduce((x, y) -> y).orElse(""))
                            .as("what the README's last command prints: the WebPlatform's status.adoption.resources").startsWith("[\"");
                    double seconds = (System.nanoTime() - applied) / 1e9;
                    ApiCallCounts adoption = ApiCallCounts.scrape(operator.httpPort());
                    System.out.printf("[measure] cluster B adopts both samples: Ready in %.1f s; %d creating calls %s; mutating %s; %d calls in all%n",
                            seconds, ApiCallCounts.sum(adoption.creating()), adoption.creating(), adoption.mutating(), adoption.total());

                    softly.assertThat(adoption.creating()).as("creating calls of cluster B's operator").isEmpty();
                    softly.assertThat(adoption.destroying()).as("destroying calls of cluster B's operator").isEmpty();
                    softly.assertThat(AwsStackInventory.of(aws, ns)).as("AWS after the adoption: the very same resources").isEqualTo(before);
                    softly.assertThat(jsonpath(b, ns, "securebucket", "app-logs", ".status.outputs")).as("SecureBucket outputs")
                            .isEqualTo(bucketOutputs);
                    softly.assertThat(jsonpath(b, ns, "webplatform", "shop", ".status.outputs")).as("WebPlatform outputs")
                            .isEqualTo(platformOutputs);
                    for (String[] object : new String[][] {{"securebucket", "app-logs", bucketUidA}, {"webplatform", "shop", platformUidA}}) {
                        softly.assertThat(jsonpath(b, ns, object[0], object[1], ".status.adoption.resources"))
                                .as(object[0] + " status.adoption.resources").isNotBlank();
                        softly.assertThat(jsonpath(b, ns, object[0], object[1], ".status.adoption.from"))
                                .as(object[0] + " status.adoption.from names the object of cluster A").contains(object[2]);
                        softly.assertThat(events(b, ns, object[1], "Adopted")).as(object[0] + " Event Adopted").isNotBlank();
                    }
                } finally {
                    // Deleting in B ends, whatever was adopted; the flow-log bucket's user (the WebPlatform) goes first.
                    long deleting = System.nanoTime();
                    platformDeleted = b.kubectl("delete", "webplatform", "shop", "-n", ns, "--timeout=300s");
                    bucketDeleted = b.kubectl("delete", "securebucket", "app-logs", "-n", ns, "--timeout=120s");
                    System.out.printf("[measure] cluster B deletes both: %.1f s%n", (System.nanoTime() - deleting) / 1e9);
                }
                platformDeleted.ok();
                bucketDeleted.ok();
            }
        }

        // Left in AWS: what the deletion policies keep, and nothing else.
        SortedSet<String> left = AwsStackInventory.of(aws, ns);
        SortedSet<String> retained = new TreeSet<>();
        for (String output : new String[] {"bucketName", "backupBucketName"}) {
            retained.add("s3:bucket " + field(bucketOutputs, output));
        }
        // The trail's log bucket is the installation's (shared by its SecureBuckets in the region), not this stack's:
        // kept because a Retain member recorded into it.
        String logBucket = field(bucketOutputs, "logBucketName");
        softly.assertThat(aws.s3(Emulator.REGION).listBuckets().buckets()).as("the shared log bucket a Retain member recorded into")
                .anyMatch(b -> b.name().equals(logBucket));
        String keyId = field(bucketOutputs, "keyArn").substring(field(bucketOutputs, "keyArn").lastIndexOf('/') + 1);
        retained.add("kms:key " + keyId);
        before.stream().filter(e -> e.startsWith("kms:alias ") && e.endsWith(" -> " + keyId)).forEach(retained::add);
        String dbId = field(platformOutputs, "databaseEndpoint").split("\\.")[0];
        left.stream().filter(e -> e.startsWith("rds:snapshot " + dbId + "-final-")).forEach(retained::add);
        softly.assertThat(left).as("AWS after deleting both in cluster B").isEqualTo(retained);
        softly.assertThat(aws.rds(Emulator.REGION).describeDBSnapshots(r -> r.snapshotType("manual")).dbSnapshots())
                .as("the database's final snapshot").filteredOn(s -> s.dbSnapshotIdentifier().startsWith(dbId + "-final-")).hasSize(1);
        // Nothing is left behind: what the policies retained goes too (a later run would otherwise find it).
        SortedSet<String> toDelete = left.stream().filter(retained::contains).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        toDelete.add("s3:bucket " + logBucket);
        deleteRetained(toDelete);
        softly.assertThat(AwsStackInventory.of(aws, ns)).as("AWS once the retained resources are deleted").isEmpty();
        System.out.printf("[measure] ClusterRebuildIT rebuild: %.1f s in all%n", (System.nanoTime() - started) / 1e9);
        softly.assertAll();
    }

    /**
     * The negative: a SecureBucket converged in cluster C, C lost; in cluster D the same manifest stops with
     * Stalled AdoptionNotAllowed, creates nothing and leaves the old stack as it is, both when the chart does
     * not allow adoption (annotation present) and when the object does not ask for it (chart allows);
     * deleting the stopped object ends and deletes nothing in AWS: the stack still belongs to its claimant.
     * Then with both permissions it adopts (so the test leaves nothing: policy Delete).
     */
    @Test
    void withoutPermissionARebuiltClusterStopsInsteadOfDuplicating() throws Exception {
        String ns = uniqueNamespace("refuse");
        String bucket = cheapBucket("orders");
        long started = System.nanoTime();
        SortedSet<String> before = converge(ns, bucket, "orders");
        assertThat(before).as("the stack cluster C made").isNotEmpty();

        try (ThrowAwayCluster d = ThrowAwayCluster.start("refuse-d")) {
            d.installChart(RELEASE, OPERATOR_NS, "installationName=" + INSTALLATION, RESYNC);
            d.createNamespace(ns);
            try (OperatorProcess operator = d.startOperator(RELEASE, OPERATOR_NS, freePort())) {
                // The object asks, the chart does not allow.
                d.apply(ns, adopting(bucket)).ok();
                awaitStalled(d, operator, ns, "orders", "AdoptionNotAllowed");
                ApiCallCounts refused = ApiCallCounts.scrape(operator.httpPort());
                System.out.printf("[measure] refused adoption (chart false): mutating %s, %d calls in all%n", refused.mutating(), refused.total());
                assertThat(refused.creating()).as("creating calls while adoption is not allowed").isEmpty();
                assertThat(AwsStackInventory.of(aws, ns)).as("the old stack, untouched").isEqualTo(before);

                // Deleting the stopped object ends, and deletes nothing of a stack it never claimed.
                d.kubectl("delete", "securebucket", "orders", "-n", ns, "--timeout=60s").ok();
                ApiCallCounts deleted = ApiCallCounts.scrape(operator.httpPort());
                assertThat(deleted.destroying()).as("destroying calls for an object that claimed nothing").isEmpty();
                assertThat(deleted.creating()).isEmpty();
                assertThat(AwsStackInventory.of(aws, ns)).as("the old stack after deleting the refused object").isEqualTo(before);
            }

            // The chart allows (a rollout: the pod restarts with the new env), the object does not ask.
            d.installChart(RELEASE, OPERATOR_NS, "installationName=" + INSTALLATION, "adoption.allowed=true", RESYNC);
            try (OperatorProcess operator = d.startOperator(RELEASE, OPERATOR_NS, freePort())) {
                d.apply(ns, bucket).ok();
                awaitStalled(d, operator, ns, "orders", "AdoptionNotAllowed");
                assertThat(ApiCallCounts.scrape(operator.httpPort()).creating()).as("creating calls without the annotation").isEmpty();
                assertThat(AwsStackInventory.of(aws, ns)).isEqualTo(before);

                // Both: it adopts; then a delete with policy Delete removes the stack.
                d.kubectl("annotate", "securebucket", "orders", "-n", ns, ADOPT + "=true").ok();
                Kubectl.Result deleted;
                try {
                    d.kubectl("wait", "--for=condition=Ready", "securebucket/orders", "-n", ns, "--timeout=120s").ok();
                    ApiCallCounts adopted = ApiCallCounts.scrape(operator.httpPort());
                    System.out.printf("[measure] adoption once allowed: mutating %s, %d calls in all%n", adopted.mutating(), adopted.total());
                    assertThat(adopted.creating()).as("creating calls of the adoption").isEmpty();
                    assertThat(AwsStackInventory.of(aws, ns)).isEqualTo(before);
                    assertThat(events(d, ns, "orders", "Adopted")).isNotBlank();
                } finally {
                    deleted = d.kubectl("delete", "securebucket", "orders", "-n", ns, "--timeout=120s");
                }
                deleted.ok();
                assertThat(AwsStackInventory.of(aws, ns)).as("AWS after deleting the adopted bucket (policy Delete)").isEmpty();
            }
        }
        System.out.printf("[measure] ClusterRebuildIT refusal: %.1f s in all%n", (System.nanoTime() - started) / 1e9);
    }

    /**
     * Two live clusters with one installation name, given the same chart values (adoption allowed) and the same
     * manifests (annotated), as in a blue/green upgrade: E runs on while F adopts E's bucket. E's object then
     * stops (Stalled ClaimedElsewhere) and never takes the stack back: from its convergence on, E writes nothing,
     * neither when it finds the foreign claim, nor at its next passes (its spec changed), nor when it is deleted
     * (the stack F now holds stays).
     */
    @Test
    void twoLiveClustersWithOneInstallationNameDoNotFight() throws Exception {
        String ns = uniqueNamespace("twin");
        String bucket = cheapBucket("ledger");
        long started = System.nanoTime();
        try (ThrowAwayCluster e = ThrowAwayCluster.start("twin-e"); ThrowAwayCluster f = ThrowAwayCluster.start("twin-f")) {
            // As in a blue/green upgrade: both clusters get the same chart values and the same manifests.
            e.installChart(RELEASE, OPERATOR_NS, "installationName=" + INSTALLATION, "adoption.allowed=true", RESYNC);
            f.installChart(RELEASE, OPERATOR_NS, "installationName=" + INSTALLATION, "adoption.allowed=true", RESYNC);
            e.createNamespace(ns);
            f.createNamespace(ns);
            try (OperatorProcess opE = e.startOperator(RELEASE, OPERATOR_NS, freePort());
                 OperatorProcess opF = f.startOperator(RELEASE, OPERATOR_NS, freePort())) {
                e.apply(ns, adopting(bucket)).ok();
                e.kubectl("wait", "--for=condition=Ready", "securebucket/ledger", "-n", ns, "--timeout=120s").ok();
                SortedSet<String> stack = AwsStackInventory.of(aws, ns);
                String bucketName = jsonpath(e, ns, "securebucket", "ledger", ".status.outputs.bucketName");
                // From here E's object is converged: its resyncs only read. Any write of E after this is a fight.
                ApiCallCounts converged = ApiCallCounts.scrape(opE.httpPort());
                Kubectl.Result deletedInF;
                try {
                    f.apply(ns, adopting(bucket)).ok();
                    f.kubectl("wait", "--for=condition=Ready", "securebucket/ledger", "-n", ns, "--timeout=120s").ok();
                    assertThat(ApiCallCounts.scrape(opF.httpPort()).creating()).as("creating calls of F's adoption").isEmpty();
                    assertThat(AwsStackInventory.of(aws, ns)).as("the stack F adopted").isEqualTo(stack);

                    awaitStalled(e, opE, ns, "ledger", "ClaimedElsewhere");
                    // A change E would otherwise carry to AWS (a tag): seen (generation 2 observed), not written.
                    e.kubectl("patch", "securebucket", "ledger", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"tags\":{\"touched\":\"by-e\"}}}").ok();
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                            "2".equals(jsonpath(e, ns, "securebucket", "ledger", ".status.observedGeneration"))
                                    || "2".equals(jsonpath(e, ns, "securebucket", "ledger", ".status.conditions[?(@.type==\"Stalled\")].observedGeneration")));
                    SoftAssertions softly = new SoftAssertions();
                    softly.assertThat(conditionReason(e, ns, "ledger", "Stalled")).as("E's reason after its spec changed")
                            .isEqualTo("ClaimedElsewhere");
                    ApiCallCounts afterward = ApiCallCounts.scrape(opE.httpPort()).since(converged);
                    System.out.printf("[measure] operator E from F's adoption to its spec change: mutating %s, %d calls in all%n",
                            afterward.mutating(), afterward.total());
                    softly.assertThat(afterward.mutating()).as("E's writes after its object converged (F adopted meanwhile)").isEmpty();
                    softly.assertThat(aws.s3(Emulator.REGION).getBucketTagging(r -> r.bucket(bucketName)).tagSet())
                            .as("the bucket's tags").noneMatch(t -> t.key().equals("touched"));

                    e.kubectl("delete", "securebucket", "ledger", "-n", ns, "--timeout=60s").ok();
                    softly.assertThat(ApiCallCounts.scrape(opE.httpPort()).since(converged).mutating()).as("E's writes, its object deleted too")
                            .isEmpty();
                    softly.assertThat(AwsStackInventory.of(aws, ns)).as("F's stack after E's object went").isEqualTo(stack);
                    softly.assertThat(conditionStatus(f, ns, "ledger", "Ready")).as("F's object").isEqualTo("True");
                    softly.assertAll();
                } finally {
                    deletedInF = f.kubectl("delete", "securebucket", "ledger", "-n", ns, "--timeout=120s");
                    e.kubectl("delete", "securebucket", "ledger", "-n", ns, "--ignore-not-found", "--timeout=60s");
                }
                deletedInF.ok();
                assertThat(AwsStackInventory.of(aws, ns)).as("AWS after deleting the bucket in F (policy Delete)").isEmpty();
            }
        }
        System.out.printf("[measure] ClusterRebuildIT twins: %.1f s in all%n", (System.nanoTime() - started) / 1e9);
    }

    /** Deletes by hand what an inventory lists as retained: buckets (every version first), aliases, keys, snapshots. */
    private static void deleteRetained(SortedSet<String> entries) {
        var s3 = aws.s3(Emulator.REGION);
        for (String entry : entries) {
            String id = entry.substring(entry.indexOf(' ') + 1);
            switch (entry.substring(0, entry.indexOf(' '))) {
                case "s3:bucket" -> {
                    var versions = s3.listObjectVersions(r -> r.bucket(id));
                    versions.versions().forEach(v -> s3.deleteObject(r -> r.bucket(id).key(v.key()).versionId(v.versionId())));
                    versions.deleteMarkers().forEach(v -> s3.deleteObject(r -> r.bucket(id).key(v.key()).versionId(v.versionId())));
                    s3.deleteBucket(r -> r.bucket(id));
                }
                case "kms:alias" -> aws.kms(Emulator.REGION).deleteAlias(r -> r.aliasName(id.substring(0, id.indexOf(' '))));
                case "kms:key" -> aws.kms(Emulator.REGION).scheduleKeyDeletion(r -> r.keyId(id).pendingWindowInDays(7));
                case "rds:snapshot" -> aws.rds(Emulator.REGION).deleteDBSnapshot(r -> r.dbSnapshotIdentifier(id));
                default -> throw new AssertionError("not a retained kind: " + entry);
            }
        }
    }

    /** Converges one object in a cluster of its own, then loses that cluster; returns what it left in AWS. */
    private static SortedSet<String> converge(String ns, String manifest, String name) throws Exception {
        try (ThrowAwayCluster c = ThrowAwayCluster.start(ns.substring(0, ns.indexOf('-')) + "-c")) {
            c.installChart(RELEASE, OPERATOR_NS, "installationName=" + INSTALLATION, RESYNC);
            c.createNamespace(ns);
            try (OperatorProcess operator = c.startOperator(RELEASE, OPERATOR_NS, freePort())) {
                c.apply(ns, manifest).ok();
                c.kubectl("wait", "--for=condition=Ready", "securebucket/" + name, "-n", ns, "--timeout=120s").ok();
                SortedSet<String> stack = AwsStackInventory.of(aws, ns);
                operator.kill();
                return stack;
            }
        }
    }

    /** The cheapest object with a stack (a key, its alias, a bucket), removed from AWS when deleted. */
    private static String cheapBucket(String name) {
        return """
                apiVersion: webplatform.io/v1alpha1
                kind: SecureBucket
                metadata:
                  name: %s
                spec: {region: eu-west-3, deletionPolicy: Delete, replication: {enabled: false}, trail: {enabled: false}}
                """.formatted(name);
    }

    /** The same manifest with the annotation that asks to adopt (kubectl annotate --local). */
    private static String adopting(String manifest) {
        return Kubectl.runWithInput(manifest, "annotate", "-f", "-", "--local", "-o", "yaml", ADOPT + "=true").ok().out();
    }

    /**
     * The README's block "Rebuilding a cluster" (marked {@link #MARKER}), run as written in a directory where
     * helm/ is the repository's chart and samples/ the given manifests: in two parts, the helm install first,
     * then (once the test has started the operator the chart's Deployment stands for) the rest. The one
     * change: namespace demo becomes the test's own, because the emulator outlives a run and would hold
     * what an earlier run retained under the same identity.
     */
    record ReadmeRebuild(List<String> commands, Path work, String release, String operatorNamespace) {
        private static final Pattern HELM_INSTALL = Pattern.compile("^helm install (\\S+) helm/webplatform-operator -n (\\S+) .*");
        private static final Path LOG = Path.of("target/cluster-rebuild-readme.log");

        static ReadmeRebuild in(String namespace, String securebucketYaml, String webplatformYaml) throws Exception {
            List<String> commands = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : ReadmeCommandsTest.shellBlockMarked(MARKER).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                current.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line);
                if (!line.endsWith("\\")) {
                    commands.add(current.toString().strip().replaceAll("\\bdemo\\b", namespace));
                    current.setLength(0);
                }
            }
            Matcher helm = HELM_INSTALL.matcher(commands.get(0));
            assertThat(helm.matches()).as("the block begins with helm install: " + commands.get(0)).isTrue();
            assertThat(commands.get(0)).contains("--set installationName=" + INSTALLATION).contains("--set adoption.allowed=true");
            assertThat(String.join("\n", commands)).contains(ADOPT + "=true").contains("samples/securebucket.yaml")
                    .contains("samples/webplatform.yaml");
            Path work = Files.createTempDirectory("cluster-rebuild-readme");
            Files.createSymbolicLink(work.resolve("helm"), Path.of("helm").toAbsolutePath());
            Path samples = Files.createDirectories(work.resolve("samples"));
            Files.writeString(samples.resolve("securebucket.yaml"), securebucketYaml);
            Files.writeString(samples.resolve("webplatform.yaml"), webplatformYaml);
            return new ReadmeRebuild(commands, work, helm.group(1), helm.group(2));
        }

        void runHelmInstall(ThrowAwayCluster cluster) throws Exception {
            run(cluster, commands.subList(0, 1));
        }

        /** The rest; returns what it printed. */
        String runTheRest(ThrowAwayCluster cluster) throws Exception {
            return run(cluster, commands.subList(1, commands.size()));
        }

        private String run(ThrowAwayCluster cluster, List<String> part) throws Exception {
            String script = String.join("\n", part);
            ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-x", "-c", script).directory(work.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
            pb.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
            long before = Files.exists(LOG) ? Files.size(LOG) : 0;
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out; see " + LOG);
            }
            String out = Files.readString(LOG).substring((int) before);
            assertThat(p.exitValue()).as("exit of:\n" + script + "\n--- output ---\n" + out).isZero();
            return out;
        }
    }

    /** Waits for Stalled with that reason; says otherwise what the object shows and what its operator created. */
    private static void awaitStalled(ThrowAwayCluster cluster, OperatorProcess operator, String ns, String name, String reason) {
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    "True".equals(conditionStatus(cluster, ns, name, "Stalled")) && reason.equals(conditionReason(cluster, ns, name, "Stalled")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("SecureBucket " + ns + "/" + name + " did not stop with Stalled " + reason + " within 90 s; its conditions: "
                    + jsonpath(cluster, ns, "securebucket", name, ".status.conditions[*]['type','status','reason']")
                    + "; creating calls of its operator: " + ApiCallCounts.scrape(operator.httpPort()).creating(), e);
        }
    }

    private static String conditionStatus(ThrowAwayCluster cluster, String ns, String name, String type) {
        return jsonpath(cluster, ns, "securebucket", name, ".status.conditions[?(@.type==\"" + type + "\")].status");
    }

    private static String conditionReason(ThrowAwayCluster cluster, String ns, String name, String type) {
        return jsonpath(cluster, ns, "securebucket", name, ".status.conditions[?(@.type==\"" + type + "\")].reason");
    }

    private static String jsonpath(ThrowAwayCluster cluster, String ns, String kind, String name, String path) {
        return cluster.kubectl("get", kind, name, "-n", ns, "-o", "jsonpath={" + path + "}").ok().out();
    }

    private static String events(ThrowAwayCluster cluster, String ns, String name, String reason) {
        return cluster.kubectl("get", "events", "-n", ns, "--field-selector", "involvedObject.name=" + name + ",reason=" + reason,
                "-o", "jsonpath={.items[*].message}").ok().out();
    }

    /** One field of a status.outputs JSON. */
    private static String field(String outputsJson, String name) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(outputsJson).path(name).asText();
    }

    /** Namespaces are reused across the clusters of one test, never across runs (the emulator outlives them). */
    private static String uniqueNamespace(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
