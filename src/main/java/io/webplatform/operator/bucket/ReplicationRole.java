package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.IamRoles;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The IAM role S3 assumes to replicate into the backup bucket, with one least-privilege inline policy. */
public class ReplicationRole extends RepairingComponent<BucketScope> {
    public static final String NAME = "ReplicationRole";
    public static final String POLICY_NAME = "replicate-to-backup";

    static final class State {
        Role role;
        String inlinePolicy;
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public boolean wanted(BucketScope scope) {
        return scope.replicationEnabled();
    }

    @Override
    public Observed<Object> observe(BucketScope scope) {
        IamClient iam = scope.iam();
        String roleName = scope.names().replicationRole();
        State state = new State();
        try {
            state.role = iam.getRole(r -> r.roleName(roleName)).role();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
        Map<String, String> tags = state.role.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a));
        if (!tags.isEmpty() && !Ownership.ownedBy(tags, scope.ownerUid())) {
            throw new UserError("RoleOwnedElsewhere", "IAM role " + roleName + " exists and is not managed by this resource");
        }
        try {
            state.inlinePolicy = iam.getRolePolicy(r -> r.roleName(roleName).policyName(POLICY_NAME)).policyDocument();
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
        }
        return Observed.ready(state.role.arn(), state);
    }

    @Override
    public void create(BucketScope scope) {
        String roleName = scope.names().replicationRole();
        List<Tag> tags = IamRoles.tags(scope.tags(NAME, roleName));
        scope.iam().createRole(r -> r.roleName(roleName)
                .assumeRolePolicyDocument(PolicyDocuments.toJson(BucketPolicies.replicationTrust(scope.partition())))
                .description("S3 replication of " + scope.names().bucket() + " to " + scope.names().backupBucket())
                .tags(tags));
    }

    @Override
    public List<String> repair(BucketScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        String roleName = scope.names().replicationRole();
        List<String> changes = new ArrayList<>();
        JsonNode trust = BucketPolicies.replicationTrust(scope.partition());
        if (!PolicyDocuments.equivalent(state.role.assumeRolePolicyDocument(), trust)) {
            scope.iam().updateAssumeRolePolicy(r -> r.roleName(roleName).policyDocument(PolicyDocuments.toJson(trust)));
            changes.add("trust policy restored");
        }
        JsonNode permissions = BucketPolicies.replicationPermissions(scope.partition(), scope.names().bucket(), scope.names().backupBucket(),
                scope.keyArn(), scope.region());
        if (!PolicyDocuments.equivalent(state.inlinePolicy, permissions)) {
            scope.iam().putRolePolicy(r -> r.roleName(roleName).policyName(POLICY_NAME)
                    .policyDocument(PolicyDocuments.toJson(permissions)));
            changes.add("replication permissions restored");
        }
        return changes;
    }

    @Override
    public boolean delete(BucketScope scope, Observed<Object> current) {
        IamRoles.delete(scope.iam(), scope.names().replicationRole());
        return true;
    }
}
