package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.StillWorking;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.Subnet;
import software.amazon.awssdk.services.rds.model.Tag;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The DB subnet group over both private subnets, so the database (and a Multi-AZ standby) stays private. */
public class DbSubnetGroup extends RepairingComponent<PlatformScope> {
    public static final String NAME = "DbSubnetGroup";

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public Observed<Object> observe(PlatformScope scope) {
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

    @Override
    public void create(PlatformScope scope) {
        String name = DatabaseNames.baseId(scope);
        List<Tag> tags = scope.tags(NAME, name).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        scope.rds().createDBSubnetGroup(r -> r.dbSubnetGroupName(name)
                .dbSubnetGroupDescription("WebPlatform " + scope.owner().getMetadata().getNamespace() + "/"
                        + scope.owner().getMetadata().getName() + ": the private subnets")
                .subnetIds(privateSubnets(scope))
                .tags(tags));
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        DBSubnetGroup group = current.detail(DBSubnetGroup.class);
        Set<String> actual = group.subnets().stream().map(Subnet::subnetIdentifier).collect(Collectors.toSet());
        List<String> desired = privateSubnets(scope);
        if (actual.equals(Set.copyOf(desired))) {
            return List.of();
        }
        scope.rds().modifyDBSubnetGroup(r -> r.dbSubnetGroupName(group.dbSubnetGroupName()).subnetIds(desired));
        return List.of("subnets set back to the private subnets " + desired);
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        try {
            scope.rds().deleteDBSubnetGroup(r -> r.dbSubnetGroupName(current.id()));
            return true;
        } catch (RuntimeException e) {
            if ("InvalidDBSubnetGroupStateFault".equals(AwsErrors.errorCode(e))) {
                throw new StillWorking("DB subnet group " + current.id() + " is still used by a database being deleted");
            }
            if (AwsErrors.isNotFound(e)) {
                return true;
            }
            throw e;
        }
    }

    private static List<String> privateSubnets(PlatformScope scope) {
        return List.of(Subnets.subnetId(scope, "private-0"), Subnets.subnetId(scope, "private-1"));
    }
}
