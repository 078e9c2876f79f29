package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.api.Finding;
import io.webplatform.operator.engine.Observed;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The app tier's pure choices: image architecture and pick, instance type offerings, ELB names, engine versions, snapshot names. */
class AppTierNamesAndChoicesTest {

    @Test
    void theTypesOwnArchitecturesChooseAndJudgeTheImage() {
        assertThat(new InstanceTypes.Facts("t3.micro", List.of("x86_64"), List.of()).bootArchitecture()).isEqualTo("x86_64");
        assertThat(new InstanceTypes.Facts("t2.micro", List.of("i386", "x86_64"), List.of()).bootArchitecture()).isEqualTo("x86_64");
        assertThat(new InstanceTypes.Facts("c7gn.large", List.of("arm64"), List.of()).bootArchitecture()).isEqualTo("arm64");
        Image arm = Image.builder().imageId("ami-0a").architecture("arm64").build();
        AppImages.requireArchitecture(arm, new InstanceTypes.Facts("t4g.micro", List.of("arm64"), List.of()));
        assertThatThrownBy(() -> AppImages.requireArchitecture(arm, new InstanceTypes.Facts("t3.micro", List.of("x86_64"), List.of())))
                .isInstanceOf(UserError.class).hasMessageContaining("AMI ami-0a is built for arm64; instance type t3.micro runs x86_64")
                .extracting(e -> ((UserError) e).reason()).isEqualTo("AmiArchitectureMismatch");
    }

    @Test
    void aTypeMustBeOfferedInBothZones() {
        var facts = new InstanceTypes.Facts("m7i.large", List.of("x86_64"), List.of("eu-west-3a", "eu-west-3b"));
        facts.requireOfferedIn(List.of("eu-west-3a", "eu-west-3b"), "eu-west-3");
        assertThatThrownBy(() -> facts.requireOfferedIn(List.of("eu-west-3a", "eu-west-3c"), "eu-west-3"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("instance type m7i.large is not offered in eu-west-3c (offered in eu-west-3a, eu-west-3b)")
                .extracting(e -> ((UserError) e).reason()).isEqualTo("InstanceTypeNotOffered");
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

    /** RDS for PostgreSQL's default parameter groups force TLS from 15 on; an older major is reported, a custom group is not judged. */
    @Test
    void aDatabaseOnADefaultGroupBefore15IsReportedForUnencryptedConnections() {
        var spec = new WebPlatformSpec();
        spec.database.engineVersion = "14";
        var wp = TestResources.webPlatform("shop", spec);
        PlatformScope scope = new PlatformScope(wp, NetworkPlan.of(spec.network, List.of("a", "b")), Emulator.clientsWithoutEndpoint(), "123456789012", "");
        java.util.function.Function<DBInstance, Finding> judge = db -> {
            scope.record(Database.NAME, Observed.ready(db.dbInstanceIdentifier(), db));
            return PlatformControls.evaluate(scope).stream().filter(f -> f.getId().equals("rds_instance_transport_encrypted")).findFirst().orElse(null);
        };
        DBInstance on14 = DBInstance.builder().dbInstanceIdentifier("db").engineVersion("14.12")
                .dbParameterGroups(DBParameterGroupStatus.builder().dbParameterGroupName("default.postgres14").build()).build();
        assertThat(judge.apply(on14)).satisfies(f -> {
            assertThat(f.failed()).isTrue();
            assertThat(f.getOptedOutBy()).isEqualTo("spec.database.engineVersion: 14");
            assertThat(f.getMessage()).contains("rds.force_ssl");
        });
        DBInstance on16 = on14.toBuilder().engineVersion("16.4")
                .dbParameterGroups(DBParameterGroupStatus.builder().dbParameterGroupName("default.postgres16").build()).build();
        assertThat(judge.apply(on16).failed()).isFalse();
        DBInstance custom = on14.toBuilder().dbParameterGroups(DBParameterGroupStatus.builder().dbParameterGroupName("tls-only").build()).build();
        assertThat(judge.apply(custom)).isNull();
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
    void aRunningVersionIsJudgedAgainstAMajorOrAPinnedMinorAndNeverDowngraded() {
        assertThat(EngineVersion.of("16").judge("16.4")).isEqualTo(EngineVersion.Verdict.SATISFIED);
        assertThat(EngineVersion.of("16").judge("15.8")).isEqualTo(EngineVersion.Verdict.UPGRADE);
        assertThat(EngineVersion.of("16").judge("17.1")).isEqualTo(EngineVersion.Verdict.NEWER_KEPT);
        assertThat(EngineVersion.of("16.4").judge("16.4")).isEqualTo(EngineVersion.Verdict.SATISFIED);
        assertThat(EngineVersion.of("16.4").judge("16.10")).isEqualTo(EngineVersion.Verdict.NEWER_KEPT);
        assertThat(EngineVersion.of("16.10").judge("16.9")).isEqualTo(EngineVersion.Verdict.UPGRADE);
        assertThat(EngineVersion.of("16.4").pinsMinor()).isTrue();
        assertThat(EngineVersion.of("16").pinsMinor()).isFalse();
        // RDS Extended Support names its versions "<major>.<minor>-RDS.<date>" (RDS user guide): compared by major.minor.
        assertThat(EngineVersion.of("11").judge("11.22-RDS.20240208")).isEqualTo(EngineVersion.Verdict.SATISFIED);
        assertThat(EngineVersion.of("11.21").judge("11.22-RDS.20240208")).isEqualTo(EngineVersion.Verdict.NEWER_KEPT);
    }

    @Test
    void finalSnapshotsAreNamedByInstanceAndTime() {
        assertThat(Database.finalSnapshotId("wp-demo-shop-abc123", Instant.parse("2026-11-23T15:04:05Z")))
                .isEqualTo("wp-demo-shop-abc123-final-20261123150405");
    }
}
