package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.CfnResource;
import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.IamRoles;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The IAM role S3 assumes to replicate into the backup bucket, with one least-privilege inline policy. */
public class ReplicationRole implements Component<BucketScope, ReplicationRole.Desired, ReplicationRole.State> {
    public static final String NAME = "ReplicationRole";
    public static final String POLICY_NAME = "replicate-to-backup";

    static final String TRUST = "trust policy";
    static final String PERMISSIONS = "permissions";

    /** The role as IAM reports it, and its inline policy (null when missing). */
    public record State(Role role, String inlinePolicy) {
    }

    /** The role as the operator wants it: what CreateRole sends, and its inline policy. */
    public record Desired(String roleName, JsonNode trust, String description, Map<String, String> tags,
                          String policyName, JsonNode permissions) {
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
    public Desired desired(BucketScope scope) {
        String roleName = scope.names().replicationRole();
        return new Desired(roleName, BucketPolicies.replicationTrust(scope.partition()),
                "S3 replication of " + scope.names().bucket() + " to " + scope.names().backupBucket(),
                scope.tags(NAME, roleName), POLICY_NAME,
                BucketPolicies.replicationPermissions(scope.partition(), scope.names().bucket(), scope.keyArn(), scope.region(),
                        scope.names().backupBucket(), scope.backupKeyArn(), scope.backupRegion()));
    }

    /** The role S3 assumes, with its one inline policy. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> role = new java.util.LinkedHashMap<>();
        role.put("RoleName", desired.roleName());
        role.put("Description", desired.description());
        role.put("AssumeRolePolicyDocument", CfnResource.json(desired.trust()));
        role.put("Policies", List.of(Map.of("PolicyName", desired.policyName(), "PolicyDocument", CfnResource.json(desired.permissions()))));
        role.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::IAM::Role", role));
    }

    @Override
    public Observed<State> planned(BucketScope scope, Desired desired) {
        String arn = CfnResource.attribute(CfnResource.logicalId(NAME), "Arn");
        return Observed.ready(arn, new State(Role.builder().roleName(desired.roleName()).arn(arn)
                .assumeRolePolicyDocument(desired.trust().toString()).build(), desired.permissions().toString()));
    }

    @Override
    public Observed<State> observe(BucketScope scope) {
        IamClient iam = scope.iam();
        String roleName = scope.names().replicationRole();
        Role role;
        try {
            role = iam.getRole(r -> r.roleName(roleName)).role();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
        Map<String, String> tags = role.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a));
        if (!tags.isEmpty() && !Ownership.ownedBy(tags, scope.ownerKey())) {
            throw new UserError("RoleOwnedElsewhere", "IAM role " + roleName + " exists and is not managed by this resource");
        }
        String inlinePolicy = IamRoles.inlinePolicy(iam, roleName, POLICY_NAME);
        return Observed.ready(role.arn(), new State(role, inlinePolicy));
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        if (!PolicyDocuments.equivalent(actual.role().assumeRolePolicyDocument(), desired.trust())) {
            changes.add(Change.described(TRUST, "another policy", "s3.amazonaws.com may assume it", "trust policy restored"));
        }
        if (!PolicyDocuments.equivalent(actual.inlinePolicy(), desired.permissions())) {
            changes.add(Change.described(PERMISSIONS, actual.inlinePolicy() == null ? Change.ABSENT : "another policy",
                    desired.policyName(), "replication permissions restored"));
        }
        return changes;
    }

    @Override
    public void create(BucketScope scope, Desired desired) {
        scope.iam().createRole(r -> r.roleName(desired.roleName())
                .assumeRolePolicyDocument(PolicyDocuments.toJson(desired.trust()))
                .description(desired.description())
                .tags(IamRoles.tags(desired.tags())));
    }

    @Override
    public void apply(BucketScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        for (Change change : changes) {
            switch (change.field()) {
                case TRUST -> scope.iam().updateAssumeRolePolicy(r -> r.roleName(desired.roleName())
                        .policyDocument(PolicyDocuments.toJson(desired.trust())));
                case PERMISSIONS -> scope.iam().putRolePolicy(r -> r.roleName(desired.roleName()).policyName(desired.policyName())
                        .policyDocument(PolicyDocuments.toJson(desired.permissions())));
                default -> throw new IllegalArgumentException("no such role setting: " + change.field());
            }
        }
    }

    @Override
    public boolean delete(BucketScope scope, Observed<State> current) {
        IamRoles.delete(scope.iam(), scope.names().replicationRole());
        return true;
    }

    /** The role as this pass found it; null when absent. */
    public static State of(BucketScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
