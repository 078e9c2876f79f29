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
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import static io.webplatform.operator.aws.PolicyDocuments.array;
import static io.webplatform.operator.aws.PolicyDocuments.document;
import static io.webplatform.operator.aws.PolicyDocuments.statement;

/**
 * The IAM role RDS Enhanced Monitoring assumes to write the database's operating-system metrics to CloudWatch Logs
 * (RDS User Guide, "Setting up and enabling Enhanced Monitoring"): trusted by monitoring.rds.amazonaws.com for this
 * WebPlatform's DB instances only (aws:SourceArn and aws:SourceAccount, as that page documents against the confused
 * deputy), holding the AWS-managed AmazonRDSEnhancedMonitoringRole and nothing else.
 *
 * <p>Always in the graph, so the database (made after it) never waits on it: with
 * spec.database.monitoringIntervalSeconds 0 it is observed as absent-and-fine, and a role that still exists is
 * removed once the instance no longer uses it (ModifyDBInstance turns monitoring off in the same pass; the next pass
 * removes the role). Only then is the instance read here.
 */
public class DatabaseMonitoringRole implements Component<PlatformScope, DatabaseMonitoringRole.Desired, DatabaseMonitoringRole.State> {
    public static final String NAME = "DatabaseMonitoringRole";
    static final String MANAGED_POLICY_NAME = "service-role/AmazonRDSEnhancedMonitoringRole";
    /** The fields of its changes: the role itself (unwanted), the trust policy, a managed or inline policy followed by its ARN or name. */
    static final String ROLE = "role";
    static final String TRUST_POLICY = "trustPolicy";
    static final String MANAGED_POLICY = "managedPolicy ";
    static final String INLINE_POLICY = "inlinePolicy ";

    /**
     * The role with its managed and inline policies; a null role when it does not exist and is not wanted.
     * usedByDatabase is read only when the role is not wanted: true while the instance still monitors with it.
     */
    public record State(Role role, List<String> attached, List<String> inline, boolean usedByDatabase) {
        static State none() {
            return new State(null, List.of(), List.of(), false);
        }
    }

    /** The role as CreateRole makes it and the one managed policy it holds; wanted false when the spec opts out. */
    public record Desired(boolean wanted, String roleName, String trustPolicy, String description, Map<String, String> tags,
                          String managedPolicyArn) {
    }

    public static String roleName(PlatformScope scope) {
        var m = scope.owner().getMetadata();
        return ResourceNames.iamRole(m.getNamespace(), m.getName(), scope.ownerKey(), "-db-monitoring");
    }

    static boolean wantedBySpec(PlatformScope scope) {
        return scope.spec().database.monitoringIntervalSeconds > 0;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        String roleName = roleName(scope);
        var m = scope.owner().getMetadata();
        return new Desired(wantedBySpec(scope), roleName, PolicyDocuments.toJson(trust(scope)),
                "WebPlatform " + m.getNamespace() + "/" + m.getName() + ": RDS Enhanced Monitoring of its database",
                scope.tags(NAME, roleName), managedPolicy(scope.partition()));
    }

    /** Absent (create makes it) while wanted or while the object is being deleted; absent-and-fine when not wanted. */
    @Override
    public Observed<State> observe(PlatformScope scope) {
        IamClient iam = scope.iam();
        String roleName = roleName(scope);
        Role role;
        try {
            role = iam.getRole(r -> r.roleName(roleName)).role();
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
            boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
            return deleting || wantedBySpec(scope) ? null : Observed.ready("none", State.none());
        }
        Map<String, String> tags = role.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a));
        if (!Ownership.ownedBy(tags, scope.ownerKey())) {
            throw new UserError("RoleOwnedElsewhere", "IAM role " + roleName + " exists and is not managed by this WebPlatform");
        }
        List<String> attached = iam.listAttachedRolePolicies(r -> r.roleName(roleName)).attachedPolicies().stream()
                .map(AttachedPolicy::policyArn).toList();
        List<String> inline = iam.listRolePolicies(r -> r.roleName(roleName)).policyNames();
        boolean used = !wantedBySpec(scope) && usedByDatabase(scope, role.arn());
        return used ? Observed.ready(role.arn(), new State(role, attached, inline, true),
                "kept until the database stops using it (spec.database.monitoringIntervalSeconds is 0)")
                : Observed.ready(role.arn(), new State(role, attached, inline, false));
    }

    /** True while the instance monitors with this role (RDS reports the role only as long as the interval is not 0). */
    private static boolean usedByDatabase(PlatformScope scope, String roleArn) {
        DBInstance db;
        try {
            db = scope.rds().describeDBInstances(r -> r.dbInstanceIdentifier(DatabaseNames.instanceId(scope))).dbInstances().get(0);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return false;
            }
            throw e;
        }
        return db.monitoringInterval() != null && db.monitoringInterval() > 0 && roleArn.equals(db.monitoringRoleArn());
    }

    /**
     * Not wanted: the role goes once the instance no longer uses it. Wanted: the trust policy, the managed policy attached,
     * and no other policy, managed or inline.
     */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        if (!desired.wanted()) {
            if (actual.role() != null && !actual.usedByDatabase()) {
                changes.add(Change.unwanted(ROLE, desired.roleName(),
                        "removed: spec.database.monitoringIntervalSeconds is 0 and the database no longer uses it"));
            }
            return changes;
        }
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
            changes.add(Change.unwanted(INLINE_POLICY + policy, policy, "removed inline policy " + policy));
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

    /** The unwanted role deleted; or the trust policy put back, foreign policies detached or deleted, the managed one attached. */
    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        IamClient iam = scope.iam();
        String roleName = desired.roleName();
        for (Change change : changes) {
            boolean unwanted = Change.ABSENT.equals(change.desired());
            if (ROLE.equals(change.field())) {
                IamRoles.delete(iam, roleName);
                scope.record(NAME, Observed.ready("none", State.none()));
            } else if (TRUST_POLICY.equals(change.field())) {
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
                iam.deleteRolePolicy(r -> r.roleName(roleName).policyName(policy));
            } else {
                throw new IllegalArgumentException("unknown change to the database monitoring role: " + change);
            }
        }
    }

    /** The role with its one managed policy: what CreateRole, then apply's AttachRolePolicy send. Nothing when not wanted. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        if (!desired.wanted()) {
            return List.of();
        }
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("RoleName", desired.roleName());
        role.put("Description", desired.description());
        role.put("AssumeRolePolicyDocument", CfnResource.json(PolicyDocuments.parse(desired.trustPolicy())));
        role.put("ManagedPolicyArns", List.of(desired.managedPolicyArn()));
        role.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::IAM::Role", role));
    }

    /** Ref of an AWS::IAM::Role is its name, Fn::GetAtt Arn its ARN: the observed id is the ARN. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        if (!desired.wanted()) {
            return Observed.ready("none", State.none());
        }
        String arn = CfnResource.attribute(CfnResource.logicalId(NAME), "Arn");
        Role role = Role.builder().roleName(desired.roleName()).arn(arn).description(desired.description())
                .assumeRolePolicyDocument(desired.trustPolicy()).tags(IamRoles.tags(desired.tags())).build();
        return Observed.ready(arn, new State(role, List.of(desired.managedPolicyArn()), List.of(), false));
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        if (current.detail().role() != null) {
            IamRoles.delete(scope.iam(), roleName(scope));
        }
        return true;
    }

    /**
     * When RDS may first accept the role: its CreateDate, or now when the managed policy was attached in this pass (observed
     * without it). Null when there is no role.
     */
    static Instant madeAt(PlatformScope scope) {
        var observed = scope.observed(NAME);
        if (observed == null || !(observed.detail() instanceof State state) || state.role() == null) {
            return null;
        }
        if (!state.attached().contains(managedPolicy(scope.partition()))) {
            return scope.clock().instant();
        }
        return state.role().createDate();
    }

    /** The role's ARN while the spec wants monitoring (as this pass observed it), else null. */
    static String arnIfWanted(PlatformScope scope) {
        return wantedBySpec(scope) ? Objects.requireNonNull(scope.idOf(NAME), "the monitoring role is observed before the database") : null;
    }

    /** AmazonRDSEnhancedMonitoringRole in the region's partition. */
    public static String managedPolicy(Partition partition) {
        return partition.awsManagedPolicy(MANAGED_POLICY_NAME);
    }

    /**
     * monitoring.rds.amazonaws.com, for this account and this WebPlatform's DB instances: the current one and any a
     * restore made (named with a "-r" suffix), as StringLike matches them.
     */
    static ObjectNode trust(PlatformScope scope) {
        ObjectNode doc = document();
        ObjectNode s = statement(doc, "RdsEnhancedMonitoringOfThisDatabase", "Allow");
        s.putObject("Principal").put("Service", scope.partition().servicePrincipal("monitoring.rds"));
        s.put("Action", "sts:AssumeRole");
        ObjectNode condition = s.putObject("Condition");
        String db = scope.partition().arn("rds", scope.region(), scope.accountId(), "db:" + DatabaseNames.baseId(scope));
        array(condition.putObject("StringLike"), "aws:SourceArn", db, db + "-r*");
        condition.putObject("StringEquals").put("aws:SourceAccount", scope.accountId());
        return doc;
    }
}
