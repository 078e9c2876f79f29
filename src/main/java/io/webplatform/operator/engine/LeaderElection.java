package io.webplatform.operator.engine;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Leader election (packaged operator only; the in-process test operator runs alone): replicas share
 * one Lease in the operator's namespace, only the holder reconciles, and another takes over within
 * the lease duration (15 s) when the holder dies. Each replica needs its own identity: the pod name in
 * a cluster; host name and process id elsewhere, so two processes on one machine never both lead.
 */
public class LeaderElection {

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(@ConfigProperty(name = "webplatform.leader-election.lease-name") String leaseName,
                                               @ConfigProperty(name = "webplatform.leader-election.lease-namespace") Optional<String> namespace,
                                               @ConfigProperty(name = "webplatform.leader-election.identity") Optional<String> identity) {
        return new LeaderElectionConfiguration(leaseName, namespace.filter(n -> !n.isBlank()).orElse(null),
                identity.filter(i -> !i.isBlank()).orElseGet(LeaderElection::hostAndProcess));
    }

    static String hostAndProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
