package io.webplatform.operator.platform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.IamRoles;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.aws.ResourceNames;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

import java.util.ArrayList;
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
public class InstanceRole extends RepairingComponent<PlatformScope> {
    public static final String NAME = "InstanceRole";
    static final String SSM_MANAGED_POLICY = "AmazonSSMManagedInstanceCore";
    static final String SECRET_POLICY = "read-database-secret";

    static final class State {
        Role role;
        List<String> attached = List.of();
        List<String> inline = List.of();
        String secretPolicy;
    }

    public static String roleName(PlatformScope scope) {
        var m = scope.owner().getMetadata();
        return ResourceNames.iamRole(m.getNamespace(), m.getName(), m.getUid(), "-app");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Observed<Object> observe(PlatformScope scope) {
        IamClient iam = scope.iam();
        String roleName = roleName(scope);
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
        if (!Ownership.ownedBy(tags, scope.ownerUid())) {
            throw new UserError("RoleOwnedElsewhere", "IAM role " + roleName + " exists and is not managed by this WebPlatform");
        }
        state.attached = iam.listAttachedRolePolicies(r -> r.roleName(roleName)).attachedPolicies().stream()
                .map(AttachedPolicy::policyArn).toList();
        state.inline = iam.listRolePolicies(r -> r.roleName(roleName)).policyNames();
        if (state.inline.contains(SECRET_POLICY)) {
            state.secretPolicy = iam.getRolePolicy(r -> r.roleName(roleName).policyName(SECRET_POLICY)).policyDocument();
        }
        return Observed.ready(state.role.arn(), state);
    }

    @Override
    public void create(PlatformScope scope) {
        String roleName = roleName(scope);
        scope.iam().createRole(r -> r.roleName(roleName)
                .assumeRolePolicyDocument(PolicyDocuments.toJson(trust(scope.partition())))
                .description("WebPlatform " + scope.owner().getMetadata().getNamespace() + "/" + scope.owner().getMetadata().getName()
                        + ": app instances (Systems Manager, database secret)")
                .tags(IamRoles.tags(scope.tags(NAME, roleName))));
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        IamClient iam = scope.iam();
        String roleName = roleName(scope);
        List<String> changes = new ArrayList<>();
        String ssmManaged = ssmManaged(scope.partition());
        ObjectNode trust = trust(scope.partition());
        if (!PolicyDocuments.equivalent(state.role.assumeRolePolicyDocument(), trust)) {
            iam.updateAssumeRolePolicy(r -> r.roleName(roleName).policyDocument(PolicyDocuments.toJson(trust)));
            changes.add("trust policy restored");
        }
        for (String arn : state.attached) {
            if (!ssmManaged.equals(arn)) {
                iam.detachRolePolicy(r -> r.roleName(roleName).policyArn(arn));
                changes.add("detached " + arn);
            }
        }
        if (!state.attached.contains(ssmManaged)) {
            iam.attachRolePolicy(r -> r.roleName(roleName).policyArn(ssmManaged));
            changes.add("attached " + ssmManaged);
        }
        for (String policy : state.inline) {
            if (!SECRET_POLICY.equals(policy)) {
                iam.deleteRolePolicy(r -> r.roleName(roleName).policyName(policy));
                changes.add("removed inline policy " + policy);
            }
        }
        ObjectNode secret = secretPolicy(scope);
        if (!PolicyDocuments.equivalent(state.secretPolicy, secret)) {
            iam.putRolePolicy(r -> r.roleName(roleName).policyName(SECRET_POLICY).policyDocument(PolicyDocuments.toJson(secret)));
            changes.add("database secret permission restored");
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
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
