package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The app tier's pure choices: image architecture and pick, ELB names, engine versions, snapshot names. */
class AppTierNamesAndChoicesTest {

    @Test
    void gravitonTypesBootArmImages() {
        assertThat(AppImages.architecture("t3.micro")).isEqualTo("x86_64");
        assertThat(AppImages.architecture("t4g.small")).isEqualTo("arm64");
        assertThat(AppImages.architecture("c7gn.large")).isEqualTo("arm64");
        assertThat(AppImages.architecture("m7gd.xlarge")).isEqualTo("arm64");
        assertThat(AppImages.architecture("g5.xlarge")).isEqualTo("x86_64");
        assertThat(AppImages.architecture("m5.large")).isEqualTo("x86_64");
    }

    @Test
    void theNewestAvailableImageWins() {
        Image older = Image.builder().imageId("ami-1").name("al2023-ami-2023.5.1-kernel-6.1-x86_64").creationDate("2024-06-01T00:00:00.000Z")
                .state(ImageState.AVAILABLE).build();
        Image newer = Image.builder().imageId("ami-2").name("al2023-ami-2023.6.2-kernel-6.1-x86_64").creationDate("2024-11-01T00:00:00.000Z")
                .state(ImageState.AVAILABLE).build();
        Image pending = Image.builder().imageId("ami-3").name("al2023-ami-2023.7.0-kernel-6.1-x86_64").creationDate("2025-01-01T00:00:00.000Z")
                .state(ImageState.PENDING).build();
        assertThat(AppImages.newest(List.of(older, newer, pending))).map(Image::imageId).contains("ami-2");
        assertThat(AppImages.newest(List.of())).isEmpty();
    }

    @Test
    void loadBalancerNamesFitAwsLimits() {
        var wp = TestResources.webPlatform("a-very-long-web-platform-name-indeed", new WebPlatformSpec());
        wp.getMetadata().setNamespace("production-namespace");
        PlatformScope scope = new PlatformScope(wp, NetworkPlan.of(wp.getSpec().network, List.of("a", "b")), Emulator.clientsWithoutEndpoint(),
                "123456789012", "");
        String lb = LoadBalancerNames.loadBalancer(scope);
        String tg = LoadBalancerNames.targetGroup(scope);
        assertThat(lb).hasSizeLessThanOrEqualTo(32).matches("^[a-z0-9][a-z0-9-]*[a-z0-9]$").endsWith("-nlb").doesNotContain("--");
        assertThat(tg).hasSizeLessThanOrEqualTo(32).matches("^[a-z0-9][a-z0-9-]*[a-z0-9]$").endsWith("-tg");
        assertThat(lb).isNotEqualTo(tg);
    }

    @Test
    void engineVersionsMatchByMajorOrExactly() {
        assertThat(Database.matches("16.4", "16")).isTrue();
        assertThat(Database.matches("16.4", "16.4")).isTrue();
        assertThat(Database.matches("16.4", "16.3")).isFalse();
        assertThat(Database.matches("160.1", "16")).isFalse();
        assertThat(Database.majors(List.of("17.2", "15.8", "16.4", "16.3"))).containsExactly("15", "16", "17");
    }

    @Test
    void finalSnapshotsAreNamedByInstanceAndTime() {
        assertThat(Database.finalSnapshotId("wp-demo-shop-abc123", Instant.parse("2026-11-23T15:04:05Z")))
                .isEqualTo("wp-demo-shop-abc123-final-20261123150405");
    }
}
