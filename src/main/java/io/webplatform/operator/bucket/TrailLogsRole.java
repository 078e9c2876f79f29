package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.IamRoles;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.aws.ResourceNames;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The IAM role the shared trail assumes to deliver its events to its {@link TrailLogGroup}, with the one inline
 * policy of "Role policy document for CloudTrail to use CloudWatch Logs for monitoring"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html):
 * logs:CreateLogStream and logs:PutLogEvents on the group's streams CloudTrail names &lt;account&gt;_CloudTrail_&lt;region&gt;.
 *
 * <p>The trust policy names cloudtrail.amazonaws.com without aws:SourceArn or aws:SourceAccount: the same page says
 * "Confused deputy prevention is not applicable to the role policy for CloudWatch Logs monitoring. The role policy doesn't
 * support the use of aws:SourceArn and aws:SourceAccount", and IAM judges a condition on a key the request lacks as
 * false: the trail could not assume the role. Only a principal allowed iam:PassRole on it can name it in a trail.
 *
 * <p>Shared like the group: left while the trail exists and delivers with it; deleted after the last member or
 * the chart's opt-out, once the trail no longer names it.
 */
public class TrailLogsRole implements Component<BucketScope, TrailLogsRole.Desired, TrailLogsRole.State> {
    public static final String NAME = "TrailLogsRole";
    public static final String POLICY_NAME = "cloudtrail-to-cloudwatch-logs";

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
        return scope.trailLogsEnabled();
    }

    static String roleName(BucketScope scope) {
        return ResourceNames.trailLogsRole(scope.installation(), scope.region(), scope.trailDestination().trail());
    }

    /** The role's ARN: IAM roles made without a path are arn:&lt;partition&gt;:iam::&lt;account&gt;:role/&lt;name&gt;. */
    static String arn(BucketScope scope) {
        return scope.partition().arn("iam", "", scope.accountId(), "role/" + roleName(scope));
    }

    /** cloudtrail.amazonaws.com may assume it; no source condition (see the class comment). */
    static ObjectNode trust(Partition partition) {
        ObjectNode doc = PolicyDocuments.document();
        ObjectNode s = PolicyDocuments.statement(doc, "CloudTrailAssumesRole", "Allow");
        s.putObject("Principal").put("Service", partition.servicePrincipal("cloudtrail"));
        s.put("Action", "sts:AssumeRole");
        return doc;
    }

    /** The guide's two statements, on this group's CloudTrail streams only. */
    static ObjectNode permissions(Partition partition, String region, String accountId, String groupName) {
        String streams = partition.arn("logs", region, accountId, "log-group:" + groupName + ":log-stream:" + accountId + "_CloudTrail_" + region + "*");
        ObjectNode doc = PolicyDocuments.document();
        ObjectNode create = PolicyDocuments.statement(doc, "AWSCloudTrailCreateLogStream", "Allow");
        create.putArray("Action").add("logs:CreateLogStream");
        create.putArray("Resource").add(streams);
        ObjectNode put = PolicyDocuments.statement(doc, "AWSCloudTrailPutLogEvents", "Allow");
        put.putArray("Action").add("logs:PutLogEvents");
        put.putArray("Resource").add(streams);
        return doc;
    }

    @Override
    public Desired desired(BucketScope scope) {
        String roleName = roleName(scope);
        String trail = scope.trailDestination().trail();
        return new Desired(roleName, trust(scope.partition()), "CloudTrail trail " + trail + " delivers to CloudWatch Logs group "
                + TrailLogGroup.groupName(scope), Trail.sharedTags(scope, NAME, roleName), POLICY_NAME,
                permissions(scope.partition(), scope.region(), scope.accountId(), TrailLogGroup.groupName(scope)));
    }

    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> role = new LinkedHashMap<>();
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
        String roleName = roleName(scope);
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
        if (!Ownership.ownedBy(tags, scope.installationKey())) {
            throw new UserError("RoleOwnedElsewhere", "IAM role " + roleName + " exists and is not managed by installation "
                    + scope.installation() + " in " + scope.region());
        }
        String inlinePolicy = IamRoles.inlinePolicy(iam, roleName, POLICY_NAME);
        return Observed.ready(role.arn(), new State(role, inlinePolicy));
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        if (!PolicyDocuments.equivalent(actual.role().assumeRolePolicyDocument(), desired.trust())) {
            changes.add(Change.described(TRUST, "another policy", "cloudtrail.amazonaws.com may assume it", "trust policy restored"));
        }
        if (!PolicyDocuments.equivalent(actual.inlinePolicy(), desired.permissions())) {
            changes.add(Change.described(PERMISSIONS, actual.inlinePolicy() == null ? Change.ABSENT : "another policy",
                    desired.policyName(), "CloudWatch Logs delivery permissions restored"));
        }
        return changes;
    }

    /** Several members applied together all find it missing: EntityAlreadyExists is another member's role, observed next. */
    @Override
    public void create(BucketScope scope, Desired desired) {
        try {
            scope.iam().createRole(r -> r.roleName(desired.roleName())
                    .assumeRolePolicyDocument(PolicyDocuments.toJson(desired.trust()))
                    .description(desired.description())
                    .tags(IamRoles.tags(desired.tags())));
        } catch (RuntimeException e) {
            if (!"EntityAlreadyExists".equals(AwsErrors.errorCode(e))) {
                throw e;
            }
        }
    }

    /** The inline policy is put by the diff right after CreateRole (PERMISSIONS: absent). */
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
        IamRoles.delete(scope.iam(), roleName(scope));
        return true;
    }

    /** As its group's ({@link TrailLogGroup#leftInPlace}): shared while the trail delivers with it. */
    @Override
    public String leftInPlace(BucketScope scope) {
        return Trail.deliveryLeftInPlace(scope, software.amazon.awssdk.services.cloudtrail.model.Trail::cloudWatchLogsRoleArn, arn(scope), "with it");
    }

    /** The role as this pass found it; null when absent. */
    public static State of(BucketScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
