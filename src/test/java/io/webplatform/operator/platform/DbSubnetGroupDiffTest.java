package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.Subnet;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The DB subnet group's diff, pure: it spans exactly the two private subnets. */
class DbSubnetGroupDiffTest {
    private final DbSubnetGroup component = new DbSubnetGroup();
    private final DbSubnetGroup.Desired desired = new DbSubnetGroup.Desired("wp-db", "the private subnets",
            List.of("subnet-private-0", "subnet-private-1"), Map.of());

    private static DBSubnetGroup over(String... subnets) {
        return DBSubnetGroup.builder().dbSubnetGroupName("wp-db")
                .subnets(java.util.Arrays.stream(subnets).map(s -> Subnet.builder().subnetIdentifier(s).build()).toList()).build();
    }

    @Test
    void thePrivateSubnetsInAnyOrderMatch() {
        assertThat(component.diff(over("subnet-private-1", "subnet-private-0"), desired)).isEmpty();
    }

    @Test
    void aPublicSubnetIsReplacedByThePrivateOnes() {
        assertThat(component.diff(over("subnet-public-0", "subnet-private-1"), desired)).containsExactly(
                Change.described("subnets", "[subnet-private-1, subnet-public-0]", "[subnet-private-0, subnet-private-1]",
                        "subnets set back to the private subnets [subnet-private-0, subnet-private-1]"));
    }

    @Test
    void anExtraSubnetIsRemoved() {
        assertThat(component.diff(over("subnet-private-0", "subnet-private-1", "subnet-public-0"), desired)).extracting(Change::field)
                .containsExactly("subnets");
    }
}
