package io.webplatform.operator.platform;

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
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.webplatform.operator.aws.PolicyDocuments.array;
import static io.webplatform.operator.aws.PolicyDocuments.document;
import static io.webplatform.operator.aws.PolicyDocuments.statement;

/**
 * The app instances' IAM role: Systems Manager manages them (no SSH anywhere), and they may read the
 * database's AWS-managed master secret — that one secret only, picked by the tag RDS puts on it.
 * Nothing else: a policy a person attaches or adds is removed on the next resync.
 */
public class InstanceRole implements Component<PlatformScope, InstanceRole.Desired, InstanceRole.State> {
    public static final String NAME = "InstanceRole";
    static final String SSM_MANAGED_POLICY = "AmazonSSMManagedInstanceCore";
    static final String SECRET_POLICY = "read-database-secret";
    /** The fields of its changes: the trust policy, and a managed or inline policy followed by its ARN or name. */
    static final String TRUST_POLICY = "trustPolicy";
    static final String MANAGED_POLICY = "managedPolicy ";
    static final String INLINE_POLICY = "inlinePolicy ";

    /**
     * The role with its policies: the managed ones attached, the inline ones by name, and the document
     * of read-database-secret (null when absent).
     */
    public record State(Role role, List<String> attached, List<String> inline, String secretPolicy) {
    }

    /**
     * The role as CreateRole makes it, and the only policies it may hold: one managed policy and one
     * inline policy. Documents are JSON text, as IAM takes them.
     */
    public record Desired(String roleName, String trustPolicy, String description, Map<String, String> tags,
                          String managedPolicyArn, String inlinePolicyName, String inlinePolicy) {
    }

    public static String roleName(PlatformScope scope) {
        var m = scope.owner().getMetadata();
        return ResourceNames.iamRole(m.getNamespace(), m.getName(), scope.ownerKey(), "-app");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        String roleName = roleName(scope);
        var m = scope.owner().getMetadata();
        return new Desired(roleName, PolicyDocuments.toJson(trust(scope.partition())),
                "WebPlatform " + m.getNamespace() + "/" + m.getName() + ": app instances (Systems Manager, database secret)",
                scope.tags(NAME, roleName), ssmManaged(scope.partition()), SECRET_POLICY, PolicyDocuments.toJson(secretPolicy(scope)));
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
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
        if (!Ownership.ownedBy(tags, scope.ownerKey())) {
            throw new UserError("RoleOwnedElsewhere", "IAM role " + roleName + " exists and is not managed by this WebPlatform");
        }
        List<String> attached = iam.listAttachedRolePolicies(r -> r.roleName(roleName)).attachedPolicies().stream()
                .map(AttachedPolicy::policyArn).toList();
        List<String> inline = iam.listRolePolicies(r -> r.roleName(roleName)).policyNames();
        String secretPolicy = inline.contains(SECRET_POLICY)
                ? iam.getRolePolicy(r -> r.roleName(roleName).policyName(SECRET_POLICY)).policyDocument() : null;
        return Observed.ready(role.arn(), new State(role, attached, inline, secretPolicy));
    }

    /** The trust policy; each managed policy attached or missing; each inline policy unwanted; the secret policy's document. */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        if (!PolicyDocuments.equivalent(actual.role().assumeRolePolicyDocument(), PolicyDocuments.parse(desired.trustPolicy()))) {
            changes.add(Change.described(TRUST_POLICY, IamRoles.readable(actual.role().assumeRolePolicyDocument()), desired.trustPolicy(),
                    "trust policy restored"));
        }
        for (String arn : actual.attached()) {
            if (!desired.managedPolicyArn().equals(arn)) {
                changes.add(Change.unwanted(MANAGED_POLICY + arn, arn, "detached " + arn));
            }
        }
        if (!actual.attached().contains(desired.managedPolicyArn())) {
            changes.add(Change.missing(MANAGED_POLICY + desired.managedPolicyArn(), desired.managedPolicyArn(),
                    "attached " + desired.managedPolicyArn()));
        }
        for (String policy : actual.inline()) {
            if (!desired.inlinePolicyName().equals(policy)) {
                changes.add(Change.unwanted(INLINE_POLICY + policy, policy, "removed inline policy " + policy));
            }
        }
        if (!PolicyDocuments.equivalent(actual.secretPolicy(), PolicyDocuments.parse(desired.inlinePolicy()))) {
            changes.add(Change.described(INLINE_POLICY + desired.inlinePolicyName(),
                    actual.secretPolicy() == null ? Change.ABSENT : IamRoles.readable(actual.secretPolicy()), desired.inlinePolicy(),
                    "database secret permission restored"));
        }
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        scope.iam().createRole(r -> r.roleName(desired.roleName())
                .assumeRolePolicyDocument(desired.trustPolicy())
                .description(desired.description())
                .tags(IamRoles.tags(desired.tags())));
    }

    /** The trust policy put back, foreign policies detached or deleted, the managed and inline ones put (back). */
    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        IamClient iam = scope.iam();
        String roleName = desired.roleName();
        for (Change change : changes) {
            boolean unwanted = Change.ABSENT.equals(change.desired());
            if (TRUST_POLICY.equals(change.field())) {
                iam.updateAssumeRolePolicy(r -> r.roleName(roleName).policyDocument(desired.trustPolicy()));
            } else if (change.field().startsWith(MANAGED_POLICY)) {
                String arn = change.field().substring(MANAGED_POLICY.length());
                if (unwanted) {
                    iam.detachRolePolicy(r -> r.roleName(roleName).policyArn(arn));
                } else {
                    iam.attachRolePolicy(r -> r.roleName(roleName).policyArn(arn));
                }
            } else if (change.field().startsWith(INLINE_POLICY)) {
                String policy = change.field().substring(INLINE_POLICY.length());
                if (unwanted) {
                    iam.deleteRolePolicy(r -> r.roleName(roleName).policyName(policy));
                } else {
                    iam.putRolePolicy(r -> r.roleName(roleName).policyName(policy).policyDocument(desired.inlinePolicy()));
                }
            } else {
                throw new IllegalArgumentException("unknown change to the instance role: " + change);
            }
        }
    }

    /** The role with its one managed and one inline policy: what CreateRole, then apply's AttachRolePolicy and PutRolePolicy send. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("RoleName", desired.roleName());
        role.put("Description", desired.description());
        role.put("AssumeRolePolicyDocument", CfnResource.json(PolicyDocuments.parse(desired.trustPolicy())));
        role.put("ManagedPolicyArns", List.of(desired.managedPolicyArn()));
        role.put("Policies", List.of(Map.of("PolicyName", desired.inlinePolicyName(),
                "PolicyDocument", CfnResource.json(PolicyDocuments.parse(desired.inlinePolicy())))));
        role.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::IAM::Role", role));
    }

    /** Ref of an AWS::IAM::Role is its name, Fn::GetAtt Arn its ARN: the observed id is the ARN. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        String arn = CfnResource.attribute(CfnResource.logicalId(NAME), "Arn");
        Role role = Role.builder().roleName(desired.roleName()).arn(arn).description(desired.description())
                .assumeRolePolicyDocument(desired.trustPolicy()).tags(IamRoles.tags(desired.tags())).build();
        return Observed.ready(arn, new State(role, List.of(desired.managedPolicyArn()), List.of(desired.inlinePolicyName()),
                desired.inlinePolicy()));
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        IamRoles.delete(scope.iam(), roleName(scope));
        return true;
    }

    /** The AWS-managed policy that lets Systems Manager manage the instances, in the region's partition. */
    public static String ssmManaged(Partition partition) {
        return partition.awsManagedPolicy(SSM_MANAGED_POLICY);
    }

    static ObjectNode trust(Partition partition) {
        ObjectNode doc = document();
        ObjectNode s = statement(doc, "Ec2AssumesAppRole", "Allow");
        s.putObject("Principal").put("Service", partition.servicePrincipal("ec2"));
        s.put("Action", "sts:AssumeRole");
        return doc;
    }

    /** GetSecretValue on the secret RDS manages for this WebPlatform's database, and nothing else. */
    static ObjectNode secretPolicy(PlatformScope scope) {
        ObjectNode doc = document();
        ObjectNode s = statement(doc, "ReadDatabaseMasterSecret", "Allow");
        array(s, "Action", "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret");
        s.put("Resource", scope.partition().arn("secretsmanager", scope.region(), scope.accountId(), "secret:rds!db-*"));
        // This WebPlatform's database, and any it restored (named with a "-r" suffix).
        String db = scope.partition().arn("rds", scope.region(), scope.accountId(), "db:" + DatabaseNames.baseId(scope));
        array(s.putObject("Condition").putObject("StringLike"), "aws:ResourceTag/aws:rds:primaryDBInstanceArn", db, db + "-r*");
        return doc;
    }
}
