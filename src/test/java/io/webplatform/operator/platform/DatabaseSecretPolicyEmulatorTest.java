package io.webplatform.operator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.SecretPolicyAsAws;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.model.GetRoleRequest;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutResourcePolicyRequest;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * spec.database.secretAccess against the emulator, with the operator running under an IAM role that has a path (as
 * under IRSA), and the secret's resource policy evaluated as IAM would ({@link SecretPolicyAsAws}: the emulator stores
 * the policy and evaluates nothing): the Deny exempts the app, RDS's service-linked role, the operator's role with its
 * path and the spec's principals, and no one else, the root user's administrators included; drift is repaired; a
 * policy that shuts the operator out stalls with what to do; restricted false removes the operator's policy and
 * leaves a person's own; the secret is never deleted by the operator.
 */
class DatabaseSecretPolicyEmulatorTest extends PlatformFixture {
    private static final String ACCOUNT = "123456789012";
    private static final String BREAK_GLASS = "arn:aws:iam::" + ACCOUNT + ":role/break-glass";
    private static final String ADMIN = "arn:aws:iam::" + ACCOUNT + ":role/Admin";
    private static final String RDS = "arn:aws:iam::" + ACCOUNT + ":role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS";
    private static String operatorRole;
    private static String operatorRoleName;

    /** The operator's role, under a path as many organisations put roles, and its session as STS reports it. */
    @BeforeAll
    static void operatorRunsUnderARoleWithAPath() {
        operatorRoleName = "webplatform-operator-" + System.nanoTime();
        operatorRole = aws.iam(Emulator.REGION).createRole(r -> r.roleName(operatorRoleName).path("/platform/operators/")
                .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                        + "{\"Federated\":\"arn:aws:iam::" + ACCOUNT + ":oidc-provider/oidc.eks.eu-west-3.amazonaws.com/id/EXAMPLE\"},"
                        + "\"Action\":\"sts:AssumeRoleWithWebIdentity\"}]}")).role().arn();
        SECRET_POLICIES.operatorRunsAs(operatorRole, "webplatform-operator-pod");
    }

    @AfterAll
    static void operatorRoleGone() {
        SECRET_POLICIES.stop();
        aws.iam(Emulator.REGION).deleteRole(r -> r.roleName(operatorRoleName));
    }

    private static SecretsManagerClient secrets() {
        return aws.secretsManager(Emulator.REGION);
    }

    private static String secretArn(PlatformScope scope) {
        return aws.rds(Emulator.REGION).describeDBInstances(r -> r.dbInstanceIdentifier(DatabaseNames.instanceId(scope))).dbInstances()
                .get(0).masterUserSecret().secretArn();
    }

    private static String policy(String secretArn) {
        return secrets().getResourcePolicy(r -> r.secretId(secretArn)).resourcePolicy();
    }

    private static List<String> exempted(String policy) {
        JsonNode statement = PolicyDocuments.parse(policy).path("Statement").get(0);
        List<String> out = new ArrayList<>();
        statement.path("Condition").path("StringNotEquals").path("aws:PrincipalArn").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static WebPlatform restricted(String... principals) {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.database.secretAccess.restricted = true;
        spec.database.secretAccess.principals = new ArrayList<>(List.of(principals));
        return platform(spec);
    }

    private static Finding finding(PlatformScope scope) {
        return PlatformControls.evaluate(scope).stream().filter(f -> f.getId().equals("secretsmanager_has_restrictive_resource_policy"))
                .findFirst().orElseThrow();
    }

    private static boolean denied(String principal, Runnable call) {
        try {
            SECRET_POLICIES.as(principal, () -> {
                call.run();
                return null;
            });
            return false;
        } catch (AwsServiceException e) {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(e.awsErrorDetails().errorMessage()).contains("User: " + principal, "with an explicit deny in a resource-based policy");
            return true;
        }
    }

    @Test
    void restrictedDeniesEveryoneButTheAppRdsTheOperatorWithItsPathAndTheListedPrincipals() {
        WebPlatform wp = restricted(BREAK_GLASS);
        REQUESTS.start();
        PlatformScope scope = convergedScope(wp);
        String secret = secretArn(scope);
        String appRole = aws.iam(Emulator.REGION).getRole(r -> r.roleName(InstanceRole.roleName(scope))).role().arn();

        String policy = policy(secret);
        assertThat(operatorRole).contains(":role/platform/operators/webplatform-operator-");
        assertThat(exempted(policy)).containsExactly(appRole, RDS, operatorRole, BREAK_GLASS);
        assertThat(DatabaseSecretPolicy.restricts(policy, secret, scope.partition(), ACCOUNT)).isTrue();
        assertThat(REQUESTS.sent(PutResourcePolicyRequest.class)).singleElement()
                .satisfies(put -> assertThat(put.blockPublicPolicy()).as("BlockPublicPolicy").isTrue());
        assertThat(finding(scope)).satisfies(f -> {
            assertThat(f.failed()).as(f.getMessage()).isFalse();
            assertThat(f.getResource()).isEqualTo(secret);
        });

        // As IAM evaluates the Deny: those listed work with the secret, an administrator is shut out, even of the policy.
        assertThat(denied(appRole, () -> secrets().getSecretValue(r -> r.secretId(secret)))).isFalse();
        assertThat(denied(RDS, () -> secrets().describeSecret(r -> r.secretId(secret)))).as("RDS rotates as its service-linked role").isFalse();
        assertThat(denied(BREAK_GLASS, () -> secrets().getSecretValue(r -> r.secretId(secret)))).isFalse();
        assertThat(denied(ADMIN, () -> secrets().getSecretValue(r -> r.secretId(secret)))).isTrue();
        assertThat(denied(ADMIN, () -> secrets().deleteResourcePolicy(r -> r.secretId(secret)))).isTrue();

        WalkResult steady = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(steady.repairs()).isEmpty();
        assertThat(REQUESTS.sent(PutResourcePolicyRequest.class)).as("a steady pass puts nothing").hasSize(1);

        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(REQUESTS.sent(DeleteSecretRequest.class)).as("the secret is RDS's: it goes with the instance").isEmpty();
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void aPolicyEditedOrRemovedByAListedPrincipalIsPutBackAndRestrictedFalseRemovesIt() {
        WebPlatform wp = restricted(BREAK_GLASS);
        PlatformScope scope = convergedScope(wp);
        String secret = secretArn(scope);
        String put = policy(secret);

        // The break-glass role drops the app from the list: restored in the next pass.
        String edited = put.replace("\"" + aws.iam(Emulator.REGION).getRole(r -> r.roleName(InstanceRole.roleName(scope))).role().arn() + "\",", "");
        assertThat(edited).isNotEqualTo(put);
        SECRET_POLICIES.as(BREAK_GLASS, () -> secrets().putResourcePolicy(r -> r.secretId(secret).resourcePolicy(edited)));
        WalkResult restored = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(restored.repairs()).containsExactly("DatabaseSecretPolicy: resource policy restored");
        assertThat(PolicyDocuments.equivalent(policy(secret), PolicyDocuments.parse(put))).isTrue();

        // Removed by hand: made again.
        SECRET_POLICIES.as(BREAK_GLASS, () -> secrets().deleteResourcePolicy(r -> r.secretId(secret)));
        RecordedEvents events = new RecordedEvents();
        graph.reconcile(scope(wp), events);
        assertThat(events.normal).contains("Created: DatabaseSecretPolicy " + secret + " created");
        assertThat(PolicyDocuments.equivalent(policy(secret), PolicyDocuments.parse(put))).isTrue();

        // Opted out: the operator's policy goes, the secret stays, and the finding says who chose that.
        wp.getSpec().database.secretAccess.restricted = false;
        RecordedEvents off = new RecordedEvents();
        WalkResult optedOut = graph.reconcile(scope(wp), off);
        assertThat(off.normal).contains("Deleted: DatabaseSecretPolicy " + secret + " deleted: no longer requested by the spec");
        assertThat(policy(secret)).isNull();
        assertThat(secrets().describeSecret(r -> r.secretId(secret)).arn()).isEqualTo(secret);
        assertThat(optedOut.allReady()).as(optedOut.waitingSummary()).isTrue();
        PlatformScope after = scope(wp);
        graph.reconcile(after, new RecordedEvents());
        assertThat(finding(after)).satisfies(f -> {
            assertThat(f.failed()).isTrue();
            assertThat(f.faulty()).as("a choice, not a fault").isFalse();
            assertThat(f.getOptedOutBy()).isEqualTo("spec.database.secretAccess.restricted: false");
        });
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void aPersonsOwnPolicyIsLeftAloneUntilRestrictedReplacesIt() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = convergedScope(wp);
        String secret = secretArn(scope);
        String own = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"TheirOwn\",\"Effect\":\"Deny\",\"Principal\":\"*\","
                + "\"Action\":\"secretsmanager:DeleteSecret\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":"
                + "{\"aws:PrincipalArn\":\"" + ADMIN + "\"}}}]}";
        SECRET_POLICIES.as(ADMIN, () -> secrets().putResourcePolicy(r -> r.secretId(secret).resourcePolicy(own)));
        WalkResult untouched = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(untouched.repairs()).isEmpty();
        assertThat(policy(secret)).isEqualTo(own);
        PlatformScope optedOut = scope(wp);
        graph.reconcile(optedOut, new RecordedEvents());
        assertThat(PlatformControls.evaluate(optedOut)).filteredOn(Finding::failed).extracting(Finding::getId, Finding::getOptedOutBy)
                .contains(tuple("secretsmanager_has_restrictive_resource_policy", "spec.database.secretAccess.restricted: false"));

        wp.getSpec().database.secretAccess.restricted = true;
        WalkResult replaced = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(replaced.repairs()).containsExactly("DatabaseSecretPolicy: resource policy replaced by the operator's (secretAccess.restricted)");
        assertThat(exempted(policy(secret))).contains(operatorRole);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void aPolicyThatShutsTheOperatorOutStallsWithWhatToDoUntilAListedPrincipalLetsItBackIn() {
        WebPlatform wp = restricted(BREAK_GLASS);
        PlatformScope scope = convergedScope(wp);
        String secret = secretArn(scope);
        String withoutOperator = policy(secret).replace("\"" + operatorRole + "\",", "");
        SECRET_POLICIES.as(BREAK_GLASS, () -> secrets().putResourcePolicy(r -> r.secretId(secret).resourcePolicy(withoutOperator)));

        RecordedEvents events = new RecordedEvents();
        WalkResult locked = graph.reconcile(scope(wp), events);
        assertThat(locked.stalled()).isTrue();
        assertThat(locked.stalledReason()).isEqualTo("SecretPolicyDeniesTheOperator");
        assertThat(locked.stalledMessage()).contains("with an explicit deny in a resource-based policy",
                "aws secretsmanager delete-resource-policy --secret-id " + secret, operatorRole);
        assertThat(locked.component(AppInstances.NAME).isReady()).as("the rest of the platform is walked").isTrue();

        SECRET_POLICIES.as(BREAK_GLASS, () -> secrets().deleteResourcePolicy(r -> r.secretId(secret)));
        WalkResult back = converge(wp);
        assertThat(back.allReady()).as(back.waitingSummary() + back.stalledMessage()).isTrue();
        assertThat(exempted(policy(secret))).contains(operatorRole);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    /**
     * Under a role the operator must read its ARN (with the path) from IAM; refused, it puts nothing and says which
     * grant is missing. Its own clients: the ARN, once known, is remembered by the clients that asked.
     */
    @Test
    void anOperatorThatMayNotReadItsOwnRoleSaysWhichGrantIsMissing() {
        FailCalls refuse = new FailCalls();
        SecretPolicyAsAws asRole = new SecretPolicyAsAws();
        asRole.operatorRunsAs(operatorRole, "webplatform-operator-pod");
        refuse.answer("GetRole", "AccessDenied", 403, "User: is not authorized to perform: iam:GetRole")
                .when(r -> r instanceof GetRoleRequest get && get.roleName().equals(operatorRoleName));
        try (AwsClients clients = Emulator.clients(asRole, refuse)) {
            assertThatThrownBy(() -> clients.operatorPrincipal().arn(Emulator.REGION)).isInstanceOf(UserError.class)
                    .hasMessageContaining("grant iam:GetRole on role " + operatorRoleName)
                    .hasMessageContaining("assumed-role/" + operatorRoleName + "/webplatform-operator-pod")
                    .satisfies(e -> assertThat(((UserError) e).reason()).isEqualTo("OperatorRoleNotReadable"));
            refuse.clear();
            assertThat(clients.operatorPrincipal().arn(Emulator.REGION)).isEqualTo(operatorRole);
        }
    }
}
