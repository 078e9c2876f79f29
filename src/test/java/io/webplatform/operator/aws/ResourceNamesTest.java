package io.webplatform.operator.aws;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceNamesTest {
    private static final String UID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private static final String LONG = "a-very-long-namespace-name-that-goes-on-and-on-and-on-and-on";

    @Test
    void shortHashIsStableAndSix() {
        assertThat(ResourceNames.shortHash(UID)).hasSize(6).matches("[0-9a-f]{6}").isEqualTo(ResourceNames.shortHash(UID));
        assertThat(ResourceNames.shortHash(UID)).isNotEqualTo(ResourceNames.shortHash(UID.replace('0', '1')));
    }

    @Test
    void bucketNamesFollowS3Rules() {
        String plain = ResourceNames.bucket("demo", "app-logs", UID, "");
        assertThat(plain).isEqualTo("demo-app-logs-" + ResourceNames.shortHash(UID));
        for (String suffix : new String[] {"", "-backup", "-trail"}) {
            String name = ResourceNames.bucket(LONG, LONG + ".with.dots", UID, suffix);
            assertThat(name).hasSizeLessThanOrEqualTo(63).matches("^[a-z0-9][a-z0-9-]*[a-z0-9]$")
                    .doesNotContain("--").doesNotContain(".").endsWith(ResourceNames.shortHash(UID) + suffix);
        }
    }

    @Test
    void truncationNeverLeavesASeparatorBeforeTheHash() {
        // 49 characters then a dash: truncation lands right after the dash.
        String ns = "n".repeat(49);
        String name = ResourceNames.bucket(ns, "x", UID, "-backup");
        assertThat(name).doesNotContain("--").hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void derivedBucketKeepsShortNamesReadableAndLongOnesUnique() {
        assertThat(ResourceNames.derivedBucket("my-data", "-backup")).isEqualTo("my-data-backup");
        String base = "b".repeat(60);
        String derived = ResourceNames.derivedBucket(base, "-backup");
        assertThat(derived).hasSizeLessThanOrEqualTo(63).endsWith("-backup");
        assertThat(derived).isNotEqualTo(ResourceNames.derivedBucket("c".repeat(60), "-backup"));
    }

    @Test
    void iamRoleNamesFitIamRules() {
        String role = ResourceNames.iamRole(LONG, LONG, UID, "-replication");
        assertThat(role).hasSizeLessThanOrEqualTo(64).matches("[\\w+=,.@-]+").startsWith("wp-").endsWith("-replication");
    }

    @Test
    void trailNamesFitCloudTrailRules() {
        String trail = ResourceNames.trail(LONG + LONG + LONG, "n.a.m.e", UID, "-writes");
        assertThat(trail).hasSizeBetween(3, 128).matches("^[a-z0-9][a-z0-9._-]*[a-z0-9]$")
                .doesNotContain("..").doesNotContain("--").doesNotContain("-.").doesNotContain(".-");
    }

    @Test
    void kmsAliasesFitKmsRules() {
        String alias = ResourceNames.kmsAlias(LONG, LONG, UID, "-bucket");
        assertThat(alias).startsWith("alias/webplatform/").hasSizeLessThanOrEqualTo(256).matches("alias/[a-zA-Z0-9/_-]+")
                .doesNotStartWith("alias/aws/");
    }
}
