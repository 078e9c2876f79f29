package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Role;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The instance profile's diff, pure: it holds the app role and no other. */
class InstanceProfileDiffTest {
    private final io.webplatform.operator.platform.InstanceProfile component = new io.webplatform.operator.platform.InstanceProfile();
    private final io.webplatform.operator.platform.InstanceProfile.Desired desired =
            new io.webplatform.operator.platform.InstanceProfile.Desired("wp-app", Map.of(), "wp-app");

    private static InstanceProfile holding(String... roles) {
        return InstanceProfile.builder().instanceProfileName("wp-app")
                .roles(Arrays.stream(roles).map(r -> Role.builder().roleName(r).build()).toList()).build();
    }

    @Test
    void theAppRoleAloneMatches() {
        assertThat(component.diff(holding("wp-app"), desired)).isEmpty();
    }

    @Test
    void aRemovedRoleIsAddedBack() {
        assertThat(component.diff(holding(), desired)).containsExactly(Change.missing("role wp-app", "wp-app", "role wp-app added"));
    }

    @Test
    void aForeignRoleMakesWayForTheAppRole() {
        assertThat(component.diff(holding("admin"), desired)).containsExactly(
                Change.unwanted("role admin", "admin", "removed foreign role admin"),
                Change.missing("role wp-app", "wp-app", "role wp-app added"));
    }
}
