package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.Role;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The replication role's diff, on values built by hand. */
class ReplicationRoleDiffTest {
    private static final Partition AWS = Partition.of("eu-west-3");
    private static final ReplicationRole.Desired DESIRED = new ReplicationRole.Desired("logs-replication", BucketPolicies.replicationTrust(AWS),
            "S3 replication of logs to logs-backup", Map.of("webplatform.io/owner-uid", "u1"), ReplicationRole.POLICY_NAME,
            BucketPolicies.replicationPermissions(AWS, "logs", "logs-backup", "arn:aws:kms:eu-west-3:123456789012:key/k1", "eu-west-3"));
    private static final String OTHER = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private final ReplicationRole role = new ReplicationRole();

    private static Role role(String trust) {
        return Role.builder().roleName("logs-replication").arn("arn:aws:iam::123456789012:role/logs-replication")
                .assumeRolePolicyDocument(trust).build();
    }

    @Test
    void aRoleWithItsTrustAndPermissionsHasNoChange() {
        var actual = new ReplicationRole.State(role(PolicyDocuments.toJson(DESIRED.trust())), PolicyDocuments.toJson(DESIRED.permissions()));
        assertThat(role.diff(actual, DESIRED)).isEmpty();
    }

    @Test
    void anEditedTrustPolicyIsRestored() {
        var actual = new ReplicationRole.State(role(OTHER), PolicyDocuments.toJson(DESIRED.permissions()));
        assertThat(role.diff(actual, DESIRED)).extracting(Change::field, Change::summary)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("trust policy", "trust policy restored"));
    }

    @Test
    void missingOrEditedPermissionsAreRestored() {
        var missing = new ReplicationRole.State(role(PolicyDocuments.toJson(DESIRED.trust())), null);
        assertThat(role.diff(missing, DESIRED)).containsExactly(
                Change.described("permissions", "absent", ReplicationRole.POLICY_NAME, "replication permissions restored"));
        var edited = new ReplicationRole.State(role(PolicyDocuments.toJson(DESIRED.trust())), OTHER);
        assertThat(role.diff(edited, DESIRED)).extracting(Change::actual).containsExactly("another policy");
    }
}
