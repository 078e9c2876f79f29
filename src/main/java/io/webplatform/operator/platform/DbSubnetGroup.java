package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.Subnet;
import software.amazon.awssdk.services.rds.model.Tag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The DB subnet group over both private subnets, so the database (and a Multi-AZ standby) stays private. */
public class DbSubnetGroup implements Component<PlatformScope, DbSubnetGroup.Desired, DBSubnetGroup> {
    public static final String NAME = "DbSubnetGroup";

    /** The group as CreateDBSubnetGroup makes it. */
    public record Desired(String name, String description, List<String> subnetIds, Map<String, String> tags) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        String name = DatabaseNames.baseId(scope);
        var m = scope.owner().getMetadata();
        return new Desired(name, "WebPlatform " + m.getNamespace() + "/" + m.getName() + ": the private subnets",
                List.of(Subnets.subnetId(scope, "private-0"), Subnets.subnetId(scope, "private-1")), scope.tags(NAME, name));
    }

    @Override
    public Observed<DBSubnetGroup> observe(PlatformScope scope) {
        try {
            DBSubnetGroup group = scope.rds().describeDBSubnetGroups(r -> r.dbSubnetGroupName(DatabaseNames.baseId(scope)))
                    .dbSubnetGroups().get(0);
            return Observed.ready(group.dbSubnetGroupName(), group);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    /** The subnets, in any order (the description is not compared). */
    @Override
    public List<Change> diff(DBSubnetGroup actual, Desired desired) {
        List<String> subnets = actual.subnets().stream().map(Subnet::subnetIdentifier).sorted().toList();
        if (Set.copyOf(subnets).equals(Set.copyOf(desired.subnetIds()))) {
            return List.of();
        }
        return List.of(Change.described("subnets", subnets, desired.subnetIds(),
                "subnets set back to the private subnets " + desired.subnetIds()));
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        List<Tag> tags = desired.tags().entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        scope.rds().createDBSubnetGroup(r -> r.dbSubnetGroupName(desired.name())
                .dbSubnetGroupDescription(desired.description())
                .subnetIds(desired.subnetIds())
                .tags(tags));
    }

    @Override
    public void apply(PlatformScope scope, Observed<DBSubnetGroup> current, Desired desired, List<Change> changes) {
        scope.rds().modifyDBSubnetGroup(r -> r.dbSubnetGroupName(current.id()).subnetIds(desired.subnetIds()));
    }

    /** The group over the private subnets, as CreateDBSubnetGroup sends it (the name is lowercase already, as RDS stores it). */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("DBSubnetGroupName", desired.name());
        group.put("DBSubnetGroupDescription", desired.description());
        group.put("SubnetIds", desired.subnetIds());
        group.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::RDS::DBSubnetGroup", group));
    }

    /** Ref of an AWS::RDS::DBSubnetGroup is its name: the database names its subnet group by that reference. */
    @Override
    public Observed<DBSubnetGroup> planned(PlatformScope scope, Desired desired) {
        List<Subnet> subnets = desired.subnetIds().stream().map(id -> Subnet.builder().subnetIdentifier(id).build()).toList();
        return Observed.ready(CfnResource.ref(CfnResource.logicalId(NAME)), DBSubnetGroup.builder().dbSubnetGroupName(desired.name())
                .dbSubnetGroupDescription(desired.description()).subnets(subnets).build());
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<DBSubnetGroup> current) {
        // Still used by a database being deleted: InvalidDBSubnetGroupStateFault, TRANSIENT (DeleteFailures).
        DeleteFailures.call("DB subnet group " + current.id(), () -> scope.rds().deleteDBSubnetGroup(r -> r.dbSubnetGroupName(current.id())));
        return true;
    }
}
