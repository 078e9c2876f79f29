package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.engine.SharedReads;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.GatedPasses;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebPlatforms behind the idle gate on the emulator: an idle resync window costs one listing per shared
 * kind for all platforms together, not 33 reads each; a change by hand brings that platform's full pass
 * (which repairs it) while the others stay idle; the drift check is a full pass of each.
 */
class IdleResyncEmulatorTest extends PlatformFixture {

    static final Duration RESYNC = Duration.ofMinutes(1);
    static final Duration DRIFT_CHECK = Duration.ofMinutes(15);

    final List<SharedReads.Kind> kinds = PlatformListings.kinds(aws);
    final GatedPasses<PlatformScope> passes = new GatedPasses<>(graph, kinds, Emulator.REGION, DRIFT_CHECK, RESYNC);

    @Test
    void anIdleWindowCostsOneListingPerKindForAllPlatforms() {
        List<WebPlatform> platforms = new ArrayList<>();
        platforms.add(gatedUntilConverged(platform(new WebPlatformSpec())));
        settle(platforms);
        List<String> one = idleWindow(platforms);
        platforms.add(gatedUntilConverged(platform(new WebPlatformSpec())));
        platforms.add(gatedUntilConverged(platform(new WebPlatformSpec())));
        platforms.add(gatedUntilConverged(platform(new WebPlatformSpec())));
        settle(platforms);
        List<String> four = idleWindow(platforms);
        assertThat(one).hasSize(kinds.size());
        assertThat(four).as("the same listings, whatever N").containsExactlyInAnyOrderElementsOf(one);

        // By hand: a security group rule revoked, an instance stopped, a tag added to a subnet; the fourth platform untouched.
        WebPlatform revoked = platforms.get(0);
        WebPlatform stopped = platforms.get(1);
        WebPlatform tagged = platforms.get(2);
        WebPlatform untouched = platforms.get(3);
        var ec2 = aws.ec2(Emulator.REGION);
        PlatformScope revokedScope = convergedScope(revoked);
        var groups = SecurityGroups.of(revokedScope).byRole;
        String dbGroup = groups.get("db").groupId();
        String appGroup = groups.get("app").groupId();
        ec2.revokeSecurityGroupIngress(r -> r.groupId(dbGroup).ipPermissions(IpPermission.builder().ipProtocol("tcp").fromPort(5432).toPort(5432)
                .userIdGroupPairs(UserIdGroupPair.builder().groupId(appGroup).build()).build()));
        String instance = AppInstances.idsByZone(convergedScope(stopped)).values().iterator().next();
        ec2.stopInstances(r -> r.instanceIds(instance));
        String subnet = Subnets.subnetId(convergedScope(tagged), "private-0");
        ec2.createTags(r -> r.resources(subnet).tags(t -> t.key("note").value("added by hand")));

        passes.clock.advance(RESYNC);
        GatedPasses.Pass repair = passes.pass(revoked, () -> scope(revoked));
        assertThat(repair.skipped()).isFalse();
        assertThat(repair.walk().repairs()).anyMatch(r -> r.contains(dbGroup));
        assertThat(passes.pass(stopped, () -> scope(stopped)).skipped()).as("an instance stopped").isFalse();
        assertThat(passes.pass(tagged, () -> scope(tagged)).skipped()).as("a subnet changed").isFalse();
        assertThat(passes.pass(untouched, () -> scope(untouched)).skipped()).as("untouched: idle").isTrue();
        gatedUntilConverged(stopped);
        settle(platforms);
        assertThat(SecurityGroupRule.of(SecurityGroups.of(convergedScope(revoked)).byRole.get("db")))
                .containsExactly(SecurityGroupRule.tcpFromGroup(5432, appGroup));
        assertThat(ec2.describeInstances(r -> r.instanceIds(instance)).reservations().get(0).instances().get(0).state().name())
                .isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);

        // The drift check: each platform in full once (nothing to write), then idle again.
        passes.clock.advance(DRIFT_CHECK);
        for (WebPlatform wp : platforms) {
            GatedPasses.Pass check = passes.pass(wp, () -> scope(wp));
            assertThat(check.skipped()).isFalse();
            assertThat(check.wrote()).isFalse();
            assertThat(check.walk().allReady()).isTrue();
        }
        idleWindow(platforms);
        for (WebPlatform wp : platforms) {
            assertThat(deleteFully(wp).allGone()).isTrue();
        }
    }

    /** One resync window: every platform skipped; the calls they made in all. */
    private List<String> idleWindow(List<WebPlatform> platforms) {
        passes.clock.advance(RESYNC);
        List<String> window = new ArrayList<>();
        for (WebPlatform wp : platforms) {
            GatedPasses.Pass pass = passes.pass(wp, () -> scope(wp));
            assertThat(pass.skipped()).as("idle: " + wp.getMetadata().getName()).isTrue();
            window.addAll(pass.calls());
        }
        System.out.printf("[measure] WebPlatform idle window, N=%d: %d read calls in all (%.1f per platform; a full pass costs 36): %s%n",
                platforms.size(), window.size(), window.size() / (double) platforms.size(), window);
        return window;
    }

    private WebPlatform gatedUntilConverged(WebPlatform wp) {
        for (int pass = 0; pass < 24; pass++) {
            GatedPasses.Pass p = passes.pass(wp, () -> scope(wp));
            passes.clock.advance(Duration.ofSeconds(1));
            if (!p.skipped() && p.walk().allReady() && !p.wrote()) {
                return wp;
            }
        }
        throw new AssertionError(wp.getMetadata().getName() + " did not converge");
    }

    /** Resync windows until every platform is skipped in one (a write, a pass without listings, a baseline, idle). */
    private void settle(List<WebPlatform> platforms) {
        for (int window = 0; window < 4; window++) {
            passes.clock.advance(RESYNC);
            boolean allSkipped = true;
            for (WebPlatform wp : platforms) {
                allSkipped &= passes.pass(wp, () -> scope(wp)).skipped();
            }
            if (allSkipped) {
                return;
            }
        }
        throw new AssertionError("not idle after four resync windows");
    }
}
