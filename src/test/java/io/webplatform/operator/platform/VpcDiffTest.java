package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Vpc's diff, pure: the two DNS attributes, support before hostnames. */
class VpcDiffTest {
    private final Vpc vpc = new Vpc();
    private final Vpc.Desired desired = new Vpc.Desired("10.0.0.0/16", true, true, null);

    @Test
    void aVpcWithBothDnsSettingsOnMatches() {
        assertThat(vpc.diff(new Vpc.State("vpc-1", "10.0.0.0/16", true, true, null), desired)).isEmpty();
    }

    @Test
    void dnsHostnamesOffIsOneChange() {
        assertThat(vpc.diff(new Vpc.State("vpc-1", "10.0.0.0/16", true, false, null), desired))
                .containsExactly(new Change(Vpc.DNS_HOSTNAMES, "false", "true", "DNS hostnames enabled"));
    }

    @Test
    void dnsSupportOffIsOneChange() {
        assertThat(vpc.diff(new Vpc.State("vpc-1", "10.0.0.0/16", false, true, null), desired))
                .containsExactly(new Change(Vpc.DNS_SUPPORT, "false", "true", "DNS support enabled"));
    }

    @Test
    void bothOffComeSupportFirst() {
        // AWS enables DNS hostnames only where DNS support is on.
        assertThat(vpc.diff(new Vpc.State("vpc-1", "10.0.0.0/16", false, false, null), desired)).extracting(Change::field)
                .containsExactly(Vpc.DNS_SUPPORT, Vpc.DNS_HOSTNAMES);
    }

    @Test
    void theCidrIsNotACandidateForRepair() {
        // Fixed at creation: AWS cannot change a VPC's primary CIDR, and the spec refuses a change.
        assertThat(vpc.diff(new Vpc.State("vpc-1", "10.9.0.0/16", true, true, null), desired)).isEmpty();
    }
}
