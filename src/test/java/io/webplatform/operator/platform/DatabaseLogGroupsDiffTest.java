package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.CfnResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The database log groups' diff and plan, on values built by hand. */
class DatabaseLogGroupsDiffTest {
    private static final String KEY = "arn:aws:kms:eu-west-3:123456789012:key/k1";
    private static final String ID = "wp-shop-web-1a2b3c";
    private static final String POSTGRESQL = "/aws/rds/instance/" + ID + "/postgresql";
    private static final String UPGRADE = "/aws/rds/instance/" + ID + "/upgrade";
    private static final DatabaseLogGroups.Desired DESIRED = new DatabaseLogGroups.Desired(ID, List.of(POSTGRESQL, UPGRADE), 365, KEY,
            Map.of("webplatform.io/owner-uid", "u1"));

    private final DatabaseLogGroups groups = new DatabaseLogGroups();

    private static DatabaseLogGroups.State state(List<String> liveOthers, DatabaseLogGroups.Group... groups) {
        return new DatabaseLogGroups.State(List.of(groups), liveOthers);
    }

    @Test
    void groupsAsMadeHaveNoChange() {
        assertThat(groups.diff(state(List.of(), new DatabaseLogGroups.Group(POSTGRESQL, 365, KEY),
                new DatabaseLogGroups.Group(UPGRADE, 365, KEY)), DESIRED)).isEmpty();
    }

    /** Made by an earlier version of the operator, or by RDS itself: CloudWatch Logs' own keys. The key is associated. */
    @Test
    void aGroupWithoutTheKeyGetsIt() {
        assertThat(groups.diff(state(List.of(), new DatabaseLogGroups.Group(POSTGRESQL, 365, null),
                new DatabaseLogGroups.Group(UPGRADE, 365, KEY)), DESIRED)).containsExactly(Change.described("encryption " + POSTGRESQL,
                "CloudWatch Logs' own keys", KEY, "log group " + POSTGRESQL + " encrypted with KMS key " + KEY));
    }

    @Test
    void aGroupWithAnotherKeyGetsThePlatformsAndItsRetentionBack() {
        String other = "arn:aws:kms:eu-west-3:123456789012:key/someone-elses";
        assertThat(groups.diff(state(List.of(), new DatabaseLogGroups.Group(POSTGRESQL, null, other),
                new DatabaseLogGroups.Group(UPGRADE, 365, KEY)), DESIRED)).extracting(Change::field, Change::actual)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("retention " + POSTGRESQL, "forever"),
                        org.assertj.core.groups.Tuple.tuple("encryption " + POSTGRESQL, other));
    }

    /** A live retired instance's groups keep the key too (its logs stay readable by the same rule); a gone one's are deleted, not re-keyed. */
    @Test
    void aRetiredInstancesGroupsAreKeyedWhileItLivesAndOnlyDeletedOnceGone() {
        String retired = "/aws/rds/instance/" + ID + "-r0f9e8d/postgresql";
        assertThat(groups.diff(state(List.of(ID + "-r0f9e8d"), new DatabaseLogGroups.Group(POSTGRESQL, 365, KEY),
                new DatabaseLogGroups.Group(UPGRADE, 365, KEY), new DatabaseLogGroups.Group(retired, 365, null)), DESIRED))
                .extracting(Change::field).containsExactly("encryption " + retired);
        assertThat(groups.diff(state(List.of(), new DatabaseLogGroups.Group(POSTGRESQL, 365, KEY),
                new DatabaseLogGroups.Group(UPGRADE, 365, KEY), new DatabaseLogGroups.Group(retired, 365, null)), DESIRED))
                .extracting(Change::field, Change::desired).containsExactly(org.assertj.core.groups.Tuple.tuple(retired, Change.ABSENT));
    }

    /** checkov CKV_AWS_158: the plan's groups name the key (a reference to the plan's key in a plan). */
    @Test
    void thePlanCarriesTheKey() {
        assertThat(groups.cloudFormation(DESIRED)).extracting(CfnResource::type).containsOnly("AWS::Logs::LogGroup");
        assertThat(groups.cloudFormation(DESIRED)).allSatisfy(r -> assertThat(r.properties()).containsEntry("KmsKeyId", KEY));
    }
}
