package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.DeleteSubnetRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerAttribute;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.webplatform.operator.testing.AwsReads.exists;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebPlatform's delete-failure classes against the emulator: a network interface someone made in
 * one of its subnets, and deletion protection switched on outside the operator, stall the deletion
 * with DeleteBlocked until a person removes the cause; the operator's own interfaces still being
 * released only make it back off. Where moto does not refuse as AWS does, the FailCalls seam answers
 * with AWS's error while (and only while) the cause exists in the emulator.
 */
class DeleteFailuresPlatformEmulatorTest extends PlatformFixture {
    /** A person with the AWS console: no seam. */
    private static AwsClients person;

    @BeforeAll
    static void personsClients() {
        person = Emulator.clients();
    }

    @AfterAll
    static void closePersonsClients() {
        person.close();
    }

    @AfterEach
    void clearSeam() {
        FAIL.clear();
    }

    private static WebPlatformSpec smallSpec() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.network.natGateways = WebPlatformSpec.NatGateways.Single;
        spec.database.deletionPolicy = WebPlatformSpec.DatabaseDeletionPolicy.Delete;
        return spec;
    }

    /** Delete passes until every component is gone or kept, or the deletion is stalled. */
    private WalkResult deleteUntilDoneOrStalled(WebPlatform wp, int passes) {
        wp.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult result = null;
        for (int pass = 0; pass < passes && (result == null || !result.allGone() && !result.stalled()); pass++) {
            result = graph.delete(scope(wp), new RecordedEvents());
        }
        return result;
    }

    private static boolean networkInterfaceExists(String eni) {
        return exists(() -> person.ec2(Emulator.REGION).describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)));
    }

    @Test
    void aNetworkInterfaceSomeoneMadeInOneOfItsSubnetsBlocksTheDeletionUntilItIsRemoved() {
        WebPlatform wp = platform(smallSpec());
        PlatformScope scope = convergedScope(wp);
        String subnet = Subnets.subnetId(scope, "private-0");
        String eni = person.ec2(Emulator.REGION).createNetworkInterface(r -> r.subnetId(subnet).description("someone's debugging interface"))
                .networkInterface().networkInterfaceId();
        // EC2 refuses DeleteSubnet while a network interface is in it (DeleteSubnet: DependencyViolation); the emulator does not,
        // so the seam refuses exactly while the interface exists. What holds the subnet is read for real.
        var refusal = FAIL.answer("DeleteSubnet", "DependencyViolation", 400, "The subnet '" + subnet + "' has dependencies and cannot be deleted.")
                .when(request -> ((DeleteSubnetRequest) request).subnetId().equals(subnet) && networkInterfaceExists(eni));

        WalkResult blocked = deleteUntilDoneOrStalled(wp, 12);

        assertThat(blocked.stalled()).as(blocked.waitingSummary()).isTrue();
        assertThat(blocked.stalledReason()).isEqualTo("DeleteBlocked");
        assertThat(blocked.stalledMessage()).isEqualTo("Subnets subnet " + subnet + ": ec2:DeleteSubnet refused (DependencyViolation: The subnet '"
                + subnet + "' has dependencies and cannot be deleted.), still used by what was made outside the operator: network interface "
                + eni + " (\"someone's debugging interface\", available). Delete or move what the message names (made outside the operator);"
                + " the deletion resumes by itself once that is done");
        assertThat(blocked.component(Subnets.NAME).getMessage()).isEqualTo("BLOCKED DependencyViolation: something still uses it: usually the"
                + " operator's own load balancer, NAT gateway or instance interfaces, which AWS releases minutes after their owner is deleted");
        assertThat(blocked.component(Vpc.NAME).getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(inventory(wp)).containsEntry("vpc", 1).containsKey("subnet");
        int refused = refusal.answered();
        assertThat(graph.delete(scope(wp), new RecordedEvents()).stalledMessage()).as("retried: the same message").isEqualTo(blocked.stalledMessage());
        assertThat(refusal.answered()).isGreaterThan(refused);

        person.ec2(Emulator.REGION).deleteNetworkInterface(r -> r.networkInterfaceId(eni));
        WalkResult done = deleteFully(wp);
        assertThat(done.allGone()).as(done.waitingSummary() + done.stalledMessage()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void theOperatorsOwnInterfacesStillBeingReleasedOnlyMakeItBackOff() {
        WebPlatform wp = platform(smallSpec());
        PlatformScope scope = convergedScope(wp);
        String subnet = Subnets.subnetId(scope, "public-0");
        // As after deleting the load balancer: its interfaces linger, EC2 refuses DeleteSubnet a while, nothing foreign is found.
        var lingering = FAIL.answer("DeleteSubnet", "DependencyViolation", 400, "The subnet '" + subnet + "' has dependencies and cannot be deleted.")
                .when(request -> ((DeleteSubnetRequest) request).subnetId().equals(subnet)).times(2);
        wp.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult backingOff = null;
        for (int pass = 0; pass < 12 && lingering.answered() == 0; pass++) {
            backingOff = graph.delete(scope(wp), new RecordedEvents());
        }
        assertThat(backingOff.stalled()).isFalse();
        assertThat(backingOff.component(Subnets.NAME).getState()).isEqualTo(ComponentGraph.DELETING);
        assertThat(backingOff.component(Subnets.NAME).getMessage()).startsWith("TRANSIENT DependencyViolation: something still uses it");

        WalkResult done = deleteFully(wp);
        assertThat(done.allGone()).as(done.waitingSummary() + done.stalledMessage()).isTrue();
        assertThat(lingering.answered()).isEqualTo(2);
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void deletionProtectionSwitchedOnAgainInARaceStallsAPassThenTheOperatorLiftsItAgain() {
        WebPlatform wp = platform(smallSpec());
        PlatformScope scope = convergedScope(wp);
        String lb = scope.idOf(LoadBalancer.NAME);
        var elb = person.elbv2(Emulator.REGION);
        // Someone switches the protection on again between the operator lifting it and DeleteLoadBalancer: ELB refuses
        // (DeleteLoadBalancer: OperationNotPermitted); the emulator does not.
        AtomicBoolean lbSwitchedOn = new AtomicBoolean();
        FAIL.answer("DeleteLoadBalancer", "OperationNotPermitted", 400, "Load balancer '" + lb + "' cannot be deleted because deletion protection is enabled")
                .when(request -> {
                    if (!lbSwitchedOn.getAndSet(true)) {
                        elb.modifyLoadBalancerAttributes(r -> r.loadBalancerArn(lb)
                                .attributes(LoadBalancerAttribute.builder().key("deletion_protection.enabled").value("true").build()));
                    }
                    return elb.describeLoadBalancerAttributes(r -> r.loadBalancerArn(lb)).attributes().stream()
                            .anyMatch(a -> a.key().equals("deletion_protection.enabled") && a.value().equals("true"));
                });

        WalkResult blocked = deleteUntilDoneOrStalled(wp, 12);

        assertThat(blocked.stalledReason()).isEqualTo("DeleteBlocked");
        assertThat(blocked.stalledMessage()).isEqualTo("LoadBalancer " + lb + ": elasticloadbalancing:DeleteLoadBalancer refused (OperationNotPermitted:"
                + " Load balancer '" + lb + "' cannot be deleted because deletion protection is enabled). Nothing if it happens once: the next"
                + " attempt lifts it again. If it comes back, something switches it on (an AWS Config remediation, a script): exempt this"
                + " load balancer; the deletion resumes by itself once that is done");
        assertThat(inventory(wp)).containsEntry("load-balancer", 1);

        // The same race on the database: RDS itself refuses (the emulator too, with AWS's message). The next pass finds the
        // protection on and lifts it again, for the load balancer too, and deletes.
        String db = DatabaseNames.instanceId(scope);
        AtomicBoolean switchedOn = new AtomicBoolean();
        FAIL.answer("DeleteDBInstance", "Unused", 400, "never answered").when(request -> {
            if (!switchedOn.getAndSet(true)) {
                person.rds(Emulator.REGION).modifyDBInstance(r -> r.dbInstanceIdentifier(db).deletionProtection(true).applyImmediately(true));
            }
            return false;
        });
        WalkResult raced = deleteUntilDoneOrStalled(wp, 12);
        assertThat(raced.stalledReason()).isEqualTo("DeleteBlocked");
        assertThat(raced.stalledMessage()).startsWith("Database " + db + ": rds:DeleteDBInstance refused (InvalidParameterCombination: Cannot delete"
                + " protected DB Instance, please disable deletion protection and try again.). Nothing if it happens once");

        WalkResult done = deleteFully(wp);
        assertThat(done.allGone()).as(done.waitingSummary() + done.stalledMessage()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }
}
