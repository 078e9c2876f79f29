package io.webplatform.operator.platform;

import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.Role;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The instance role's diff, pure: its trust policy, the one managed policy, the one inline policy and its document. */
class InstanceRoleDiffTest {
    private static final String SSM = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
    private static final String ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
    private static final String TRUST = PolicyDocuments.toJson(InstanceRole.trust(Partition.of("eu-west-3")));
    private static final String SECRET = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"arn:aws:secretsmanager:eu-west-3:123456789012:secret:rds!db-*\"}]}";
    private static final String EVERYTHING = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private final InstanceRole component = new InstanceRole();
    private final InstanceRole.Desired desired = new InstanceRole.Desired("wp-app", TRUST, "app instances", Map.of(), SSM,
            InstanceRole.SECRET_POLICY, SECRET);

    /** IAM returns documents URL-encoded. */
    private static String encoded(String json) {
        return URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    private static InstanceRole.State state(String trust, List<String> attached, List<String> inline, String secret) {
        return new InstanceRole.State(Role.builder().roleName("wp-app").assumeRolePolicyDocument(encoded(trust)).build(),
                attached, inline, secret == null ? null : encoded(secret));
    }

    private static InstanceRole.State asWanted() {
        return state(TRUST, List.of(SSM), List.of(InstanceRole.SECRET_POLICY), SECRET);
    }

    @Test
    void theRoleAsWantedMatches() {
        assertThat(component.diff(asWanted(), desired)).isEmpty();
    }

    @Test
    void aWidenedTrustPolicyIsRestored() {
        String root = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"sts:AssumeRole\"}]}";
        assertThat(component.diff(state(root, List.of(SSM), List.of(InstanceRole.SECRET_POLICY), SECRET), desired))
                .containsExactly(Change.described("trustPolicy", root, TRUST, "trust policy restored"));
    }

    @Test
    void anAttachedPolicyIsDetached() {
        assertThat(component.diff(state(TRUST, List.of(SSM, ADMIN), List.of(InstanceRole.SECRET_POLICY), SECRET), desired))
                .containsExactly(Change.unwanted("managedPolicy " + ADMIN, ADMIN, "detached " + ADMIN));
    }

    @Test
    void theSystemsManagerPolicyIsAttachedBack() {
        assertThat(component.diff(state(TRUST, List.of(), List.of(InstanceRole.SECRET_POLICY), SECRET), desired))
                .containsExactly(Change.missing("managedPolicy " + SSM, SSM, "attached " + SSM));
    }

    @Test
    void anInlinePolicyAddedByHandIsRemoved() {
        assertThat(component.diff(state(TRUST, List.of(SSM), List.of(InstanceRole.SECRET_POLICY, "everything"), SECRET), desired))
                .containsExactly(Change.unwanted("inlinePolicy everything", "everything", "removed inline policy everything"));
    }

    @Test
    void aMissingSecretPolicyIsPutBack() {
        assertThat(component.diff(state(TRUST, List.of(SSM), List.of(), null), desired)).containsExactly(
                Change.described("inlinePolicy " + InstanceRole.SECRET_POLICY, Change.ABSENT, SECRET, "database secret permission restored"));
    }

    @Test
    void aChangedSecretPolicyIsPutBack() {
        assertThat(component.diff(state(TRUST, List.of(SSM), List.of(InstanceRole.SECRET_POLICY), EVERYTHING), desired)).containsExactly(
                Change.described("inlinePolicy " + InstanceRole.SECRET_POLICY, EVERYTHING, SECRET, "database secret permission restored"));
    }

    @Test
    void aFreshRoleLacksBothPolicies() {
        assertThat(component.diff(state(TRUST, List.of(), List.of(), null), desired)).extracting(Change::summary)
                .containsExactly("attached " + SSM, "database secret permission restored");
    }
}
