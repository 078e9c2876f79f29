package io.webplatform.operator.e2e;

import io.webplatform.operator.testing.EndToEndSuite;
import io.webplatform.operator.testing.IamActions;
import io.webplatform.operator.testing.OperatorPolicies;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped IAM policies (operator/iam-policy-*.json, one managed policy each) against what the
 * operator really called during the end-to-end suite, read from its API-call counter (see
 * {@link EndToEndSuite}): every operation called must be granted by one of them, with the
 * permissions AWS checks besides ({@link IamActions}); and, when the whole end-to-end suite ran,
 * nothing may be granted that it never needed. Each file must fit IAM's managed-policy quota, with
 * headroom. Runs after the tests (failsafe), so it sees every class. The statements' own rules
 * (scoping, unique Sids) are checked without the emulator by IamPolicyFilesTest.
 */
class AwsPermissionsIT {
    static final String POLICIES = OperatorPolicies.DIR + "/iam-policy-*.json";
    /**
     * Granted, needed on AWS, but no end-to-end test drives the call: the emulator cannot, or the chart's default leaves
     * the option off; each says why.
     */
    static final Map<String, String> NOT_DRIVABLE_ON_THE_EMULATOR = Map.of(
            "rds:ModifyDBSubnetGroup", "repairs a DB subnet group moved to other subnets; the emulator's ModifyDBSubnetGroup drops the"
                    + " group, so the repair is only tested as 'deleted by hand, created again' (PlatformEmulatorTest)",
            "logs:AssociateKmsKey", "repairs the key of a log group (the shared trail's, the database's) made without it or given another,"
                    + " by RDS or an earlier operator; the end-to-end suite makes every group with its key (CreateLogGroup's kmsKeyId), and"
                    + " the emulator does not implement AssociateKmsKey: DatabaseLogsKeyEmulatorTest drives it through LogGroupKeysAsAws",
            "cloudtrail:PutInsightSelectors", "the chart's trail.insights.enabled, off by default, so the end-to-end suite's operator"
                    + " never asks; TrailInsightsEmulatorTest drives it",
            "cloudtrail:GetInsightSelectors", "read only when the trail has Insights selectors (trail.insights.enabled, off by default);"
                    + " TrailInsightsEmulatorTest drives it",
            "s3:PutBucketObjectLockConfiguration", "the chart's trail.objectLock, off by default, so the end-to-end suite's operator"
                    + " never asks; TrailObjectLockEmulatorTest drives it",
            "secretsmanager:PutResourcePolicy", "spec.database.secretAccess.restricted, off by default and in the samples, so the"
                    + " end-to-end suite's operator never asks; DatabaseSecretPolicyEmulatorTest drives it",
            "secretsmanager:DeleteResourcePolicy", "removes the policy spec.database.secretAccess.restricted put (off by default and in"
                    + " the samples); DatabaseSecretPolicyEmulatorTest drives it");
    static final List<Class<?>> END_TO_END = List.of(SecureBucketEndToEndTest.class, WebPlatformEndToEndTest.class,
            RecoveryEndToEndTest.class, DriftEndToEndTest.class, DeleteBlockedEndToEndTest.class,
            IdleResyncEndToEndTest.class, QuotaEndToEndTest.class);

    @Test
    void eachPolicyFitsTheManagedPolicyQuota() {
        List<Path> files = OperatorPolicies.files();
        assertThat(files).hasSizeGreaterThan(1);
        for (Path file : files) {
            assertThat(OperatorPolicies.size(file)).as(file + ": characters without whitespace (IAM's quota is "
                    + OperatorPolicies.MANAGED_POLICY_LIMIT + ")").isLessThanOrEqualTo(OperatorPolicies.MANAGED_POLICY_BUDGET);
        }
    }

    @Test
    void thePoliciesGrantExactlyWhatTheOperatorCalls() throws IOException {
        Set<String> calls = new TreeSet<>();
        if (Files.isDirectory(EndToEndSuite.DIR)) {
            try (Stream<Path> files = Files.list(EndToEndSuite.DIR)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".calls")).toList()) {
                    Files.readAllLines(f).stream().filter(l -> !l.isBlank()).forEach(calls::add);
                }
            }
        }
        List<String> notFinished = END_TO_END.stream().map(Class::getSimpleName)
                .filter(c -> !Files.exists(EndToEndSuite.DIR.resolve(c + ".finished"))).toList();
        assumeTrue(!calls.isEmpty(), "no end-to-end class ran in this build");
        Set<String> required = new TreeSet<>();
        calls.forEach(call -> required.addAll(IamActions.requiredFor(call)));
        Set<String> granted = OperatorPolicies.grantedActions();

        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(granted);
        assertThat(missing).as("called by the operator but not granted by " + POLICIES).isEmpty();

        assumeTrue(notFinished.isEmpty(), "the end-to-end suite did not run whole (" + notFinished
                + " missing), so 'granted but never needed' cannot be judged");
        assertThat(required).as("called after all: drop it from NOT_DRIVABLE_ON_THE_EMULATOR")
                .doesNotContainAnyElementsOf(NOT_DRIVABLE_ON_THE_EMULATOR.keySet());
        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(required);
        unused.removeAll(NOT_DRIVABLE_ON_THE_EMULATOR.keySet());
        assertThat(unused).as("granted by " + POLICIES + " but never needed during the end-to-end suite").isEmpty();
    }
}
