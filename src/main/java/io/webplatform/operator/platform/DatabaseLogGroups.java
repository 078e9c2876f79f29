package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Propagation;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CloudWatch Logs log groups the database's exported logs go to: RDS writes a type's log to
 * /aws/rds/instance/&lt;id&gt;/&lt;type&gt; and makes that group itself when it is missing, kept forever
 * and never deleted (RDS User Guide, "Publishing database logs to Amazon CloudWatch Logs"). So the
 * operator makes them first, with the spec's retention and its tags, and deletes them with the
 * database (kept with it by Retain). Groups of an instance a restore replaced go once that instance is
 * gone. Found by name: every group under /aws/rds/instance/&lt;base id&gt;, whose hash is this object's.
 *
 * <p>Each is encrypted with the platform's {@link DatabaseLogsKey} (checkov CKV_AWS_158), whose policy lets
 * logs.&lt;region&gt;.amazonaws.com use it for these groups only: named at CreateLogGroup (kmsKeyId), or associated
 * (AssociateKmsKey) with a group that has another key or none, one made by an earlier version of the operator or by
 * RDS itself. "Only the log events ingested after the key is associated are encrypted with that key": what a group
 * held before stays readable with the keys it was written with (AssociateKmsKey API reference).
 */
public class DatabaseLogGroups implements Component<PlatformScope, DatabaseLogGroups.Desired, DatabaseLogGroups.State> {
    public static final String NAME = "DatabaseLogGroups";
    static final String PREFIX = "/aws/rds/instance/";
    static final String RETENTION = "retention";
    static final String ENCRYPTION = "encryption";

    /** The current instance's groups, one per exported type, how long they keep logs, and the key every group is encrypted with. */
    public record Desired(String instanceId, List<String> names, int retentionDays, String kmsKeyArn, Map<String, String> tags) {
    }

    /** One group as DescribeLogGroups reports it (no retention: kept forever; no key: CloudWatch Logs' own keys). */
    public record Group(String name, Integer retentionDays, String kmsKeyId) {
        /** The instance the group belongs to: the path element after the prefix. */
        String instanceId() {
            String rest = name.substring(PREFIX.length());
            return rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        }
    }

    /** This object's groups, and the instances other than the current one that still exist (their groups stay). */
    public record State(List<Group> groups, List<String> liveOtherInstances) {
    }

    @Override
    public String name() {
        return NAME;
    }

    static String groupName(String instanceId, String type) {
        return PREFIX + instanceId + "/" + type;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        WebPlatformSpec.Database spec = scope.spec().database;
        String id = DatabaseNames.instanceId(scope);
        return new Desired(id, spec.logExports.stream().map(t -> groupName(id, t)).toList(), spec.logRetentionDays,
                scope.idOf(DatabaseLogsKey.NAME), scope.tags(NAME, id));
    }

    /**
     * Absent while none of this object's groups exists and the spec exports logs (create makes them), or
     * once deleted; otherwise observed, an empty list included (nothing to export is converged).
     */
    @Override
    public Observed<State> observe(PlatformScope scope) {
        String current = DatabaseNames.instanceId(scope);
        List<Group> groups = scope.logs().describeLogGroupsPaginator(r -> r.logGroupNamePrefix(PREFIX + DatabaseNames.baseId(scope)))
                .logGroups().stream().map(g -> new Group(g.logGroupName(), g.retentionInDays(), g.kmsKeyId())).toList();
        boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
        if (groups.isEmpty() && (deleting || !scope.spec().database.logExports.isEmpty())) {
            return null;
        }
        List<String> live = groups.stream().map(Group::instanceId).filter(id -> !id.equals(current)).distinct()
                .filter(id -> instanceExists(scope, id)).toList();
        return Observed.ready(groups.isEmpty() ? "none" : PREFIX + DatabaseNames.baseId(scope), new State(groups, live));
    }

    private static boolean instanceExists(PlatformScope scope, String id) {
        try {
            scope.rds().describeDBInstances(r -> r.dbInstanceIdentifier(id));
            return true;
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * A missing group is made; a retention other than the spec's is set and a key other than the platform's
     * associated (on every group of this object: a retired instance's logs expire by the same rule and are
     * encrypted by the same key); a group of an instance that no longer exists goes. A group of the current
     * instance whose type the spec no longer exports stays until the platform goes: its logs expire by retention.
     */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        List<String> present = actual.groups().stream().map(Group::name).toList();
        desired.names().stream().filter(n -> !present.contains(n)).forEach(n -> changes.add(Change.missing(n, "made",
                "log group " + n + " made, keeping " + desired.retentionDays() + " days")));
        for (Group group : actual.groups()) {
            if (!group.instanceId().equals(desired.instanceId()) && !actual.liveOtherInstances().contains(group.instanceId())) {
                changes.add(Change.unwanted(group.name(), "instance " + group.instanceId() + " gone",
                        "log group " + group.name() + " deleted: its instance is gone"));
                continue;
            }
            if (group.retentionDays() == null || group.retentionDays() != desired.retentionDays()) {
                changes.add(Change.described(RETENTION + " " + group.name(), group.retentionDays() == null ? "forever" : group.retentionDays(),
                        desired.retentionDays(), "log group " + group.name() + " keeps " + desired.retentionDays() + " days"));
            }
            if (!desired.kmsKeyArn().equals(group.kmsKeyId())) {
                changes.add(Change.described(ENCRYPTION + " " + group.name(), group.kmsKeyId() == null ? "CloudWatch Logs' own keys"
                        : group.kmsKeyId(), desired.kmsKeyArn(), "log group " + group.name() + " encrypted with KMS key " + desired.kmsKeyArn()));
            }
        }
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        desired.names().forEach(name -> make(scope, name, desired));
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        for (Change change : changes) {
            String field = change.field();
            if (field.startsWith(RETENTION + " ")) {
                String name = field.substring(RETENTION.length() + 1);
                scope.logs().putRetentionPolicy(r -> r.logGroupName(name).retentionInDays(desired.retentionDays()));
            } else if (field.startsWith(ENCRYPTION + " ")) {
                associateKey(scope, field.substring(ENCRYPTION.length() + 1), desired);
            } else if (Change.ABSENT.equals(change.desired())) {
                deleteGroup(scope, field);
            } else {
                make(scope, field, desired);
            }
        }
    }

    /**
     * CreateLogGroup takes the key and tags but no retention: PutRetentionPolicy follows at once. A group RDS made in
     * between is kept, and given the key (RDS makes its groups without one).
     */
    private static void make(PlatformScope scope, String name, Desired desired) {
        try {
            keyChecked(scope, name, desired, () -> scope.logs().createLogGroup(r -> r.logGroupName(name).kmsKeyId(desired.kmsKeyArn())
                    .tags(desired.tags())));
        } catch (RuntimeException e) {
            if (!"ResourceAlreadyExistsException".equals(AwsErrors.errorCode(e))) {
                throw e;
            }
            associateKey(scope, name, desired);
        }
        scope.logs().putRetentionPolicy(r -> r.logGroupName(name).retentionInDays(desired.retentionDays()));
    }

    /** New events are encrypted with the key; those already stored stay readable: CloudWatch Logs keeps the keys it used. */
    private static void associateKey(PlatformScope scope, String name, Desired desired) {
        keyChecked(scope, name, desired, () -> scope.logs().associateKmsKey(r -> r.logGroupName(name).kmsKeyId(desired.kmsKeyArn())));
    }

    /**
     * CloudWatch Logs checks at CreateLogGroup and AssociateKmsKey that it may use the key for the group: right after
     * the key was made or its policy restored, a refusal is a retry (StillWorking) for a bounded time, not Stalled.
     */
    private static void keyChecked(PlatformScope scope, String name, Desired desired, Runnable call) {
        Propagation.DATABASE_LOG_GROUP_KEY.run("the key policy of " + desired.kmsKeyArn() + " for " + name, null, scope.clock(), call);
    }

    private static void deleteGroup(PlatformScope scope, String name) {
        try {
            scope.logs().deleteLogGroup(r -> r.logGroupName(name));
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    /** The database goes first (the graph's edge): its groups then take no more logs. */
    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        current.detail().groups().forEach(g -> deleteGroup(scope, g.name()));
        return true;
    }

    @Override
    public boolean retainedOnDelete(PlatformScope scope) {
        return scope.spec().database.deletionPolicy == WebPlatformSpec.DatabaseDeletionPolicy.Retain;
    }

    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        List<CfnResource> resources = new ArrayList<>();
        for (String name : desired.names()) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("LogGroupName", name);
            group.put("RetentionInDays", desired.retentionDays());
            group.put("KmsKeyId", desired.kmsKeyArn());
            group.put("Tags", CfnResource.tags(desired.tags()));
            resources.add(CfnResource.of(CfnResource.logicalId(NAME, name.substring(name.lastIndexOf('/') + 1)), "AWS::Logs::LogGroup", group));
        }
        return resources;
    }

    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        return Observed.ready(PREFIX + DatabaseNames.baseId(scope), new State(desired.names().stream()
                .map(n -> new Group(n, desired.retentionDays(), desired.kmsKeyArn())).toList(), List.of()));
    }
}
