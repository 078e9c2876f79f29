package io.webplatform.operator.engine;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

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
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(@ConfigProperty(name = "webplatform.leader-election.lease-name") String leaseName,
                                               @ConfigProperty(name = "webplatform.leader-election.lease-namespace") Optional<String> namespace,
                                               @ConfigProperty(name = "webplatform.leader-election.identity") Optional<String> identity) {
        // JOSDK 5.3.2 would call System.exit on the thread that ends leadership, which is its shutdown hook
        // on SIGTERM: the JVM then waits for itself until SIGKILL. We exit from a thread of our own instead.
        // (Its builder reserves exitOnStopLeading=false for tests; the deprecated constructor still takes it.)
        @SuppressWarnings("deprecation")
        LeaderElectionConfiguration config = new LeaderElectionConfiguration(leaseName, namespace.filter(n -> !n.isBlank()).orElse(null),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE, LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                identity.filter(i -> !i.isBlank()).orElseGet(LeaderElection::hostAndProcess),
                new LeaderCallbacks(() -> { }, LeaderElection::exitAfterLosingTheLease, leader -> { }), false);
        return config;
    }

    /**
     * A replica that lost its lease must stop reconciling at once, or two would write to AWS. Exiting
     * (the pod restarts and waits for the lease) is the simplest stop. On a normal shutdown this thread
     * just waits for the shutdown already under way.
     */
    static void exitAfterLosingTheLease() {
        LOG.info("no longer the leader: exiting");
        Thread exit = new Thread(() -> System.exit(1), "exit-after-losing-the-lease");
        exit.setDaemon(true);
        exit.start();
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
