package io.webplatform.operator.platform;

import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.WebPlatformSpec;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.util.ArrayList;
import java.util.List;

/**
 * The AWS Foundational Security Best Practices controls a spec may turn off, judged on what AWS
 * reports after this pass: each one on by default, and reported with the spec field that turned it
 * off, so an audit of the cluster sees every exception the user chose. Ids are Security Hub's.
 */
public final class PlatformControls {
    /** The first PostgreSQL major whose default parameter group sets rds.force_ssl to 1 (RDS for PostgreSQL user guide, SSL). */
    static final int FORCE_SSL_BY_DEFAULT_FROM = 15;

    private PlatformControls() {
    }

    public static List<Finding> evaluate(PlatformScope scope) {
        WebPlatformSpec spec = scope.spec();
        List<Finding> findings = new ArrayList<>();
        DBInstance db = Database.of(scope);
        if (db != null) {
            String id = db.dbInstanceIdentifier();
            findings.add(Finding.control("RDS.6", "rds_instance_enhanced_monitoring_enabled",
                    db.monitoringInterval() != null && db.monitoringInterval() > 0, "LOW", id, "Enhanced Monitoring is on",
                    spec.database.monitoringIntervalSeconds > 0 ? null : "spec.database.monitoringIntervalSeconds: 0"));
            findings.add(Finding.control("RDS.8", "rds_instance_deletion_protection", Boolean.TRUE.equals(db.deletionProtection()), "LOW", id,
                    "the DB instance has deletion protection", spec.database.deletionProtection ? null : "spec.database.deletionProtection: false"));
            findings.add(Finding.control("RDS.9", "rds_instance_integration_cloudwatch_logs", !db.enabledCloudwatchLogsExports().isEmpty(),
                    "MEDIUM", id, "the DB instance publishes its logs to CloudWatch Logs",
                    spec.database.logExports.isEmpty() ? "spec.database.logExports: []" : null));
            findings.add(Finding.control("RDS.10", "rds_instance_iam_authentication_enabled", Boolean.TRUE.equals(db.iamDatabaseAuthenticationEnabled()),
                    "MEDIUM", id, "IAM database authentication is on", spec.database.iamAuthentication ? null : "spec.database.iamAuthentication: false"));
            // Security Hub has no control for a secret's resource policy: the id is prowler's check, judged as prowler judges it.
            if (db.masterUserSecret() != null) {
                String secret = db.masterUserSecret().secretArn();
                DatabaseSecretPolicy.State policy = DatabaseSecretPolicy.of(scope);
                findings.add(Finding.control("secretsmanager_has_restrictive_resource_policy", "secretsmanager_has_restrictive_resource_policy",
                        policy != null && DatabaseSecretPolicy.restricts(policy.policy(), secret, scope.partition(), scope.accountId()),
                        "HIGH", secret, "the master-password secret's resource policy denies every principal but the app, RDS, the operator"
                                + " and spec.database.secretAccess.principals",
                        spec.database.secretAccess.restricted ? null : "spec.database.secretAccess.restricted: false"));
            }
            // The operator leaves the engine's default parameter group: from PostgreSQL 15 its rds.force_ssl is 1 (TLS only),
            // before that 0. Security Hub has no control for it: the id is prowler's check.
            if (db.dbParameterGroups().stream().allMatch(g -> g.dbParameterGroupName().startsWith("default."))) {
                String running = db.engineVersion() == null ? spec.database.engineVersion : db.engineVersion();
                findings.add(Finding.control("rds_instance_transport_encrypted", "rds_instance_transport_encrypted",
                        Integer.parseInt(EngineVersion.of(running).major()) >= FORCE_SSL_BY_DEFAULT_FROM, "HIGH", id,
                        "connections must use TLS (rds.force_ssl is 1 in the default parameter group from PostgreSQL "
                                + FORCE_SSL_BY_DEFAULT_FROM + ")", "spec.database.engineVersion: " + spec.database.engineVersion));
            }
        }
        LoadBalancer.State lb = LoadBalancer.of(scope);
        if (lb != null) {
            findings.add(Finding.control("ELB.6", "elbv2_deletion_protection", lb.deletionProtection(), "MEDIUM", lb.arn(),
                    "the load balancer has deletion protection",
                    spec.loadBalancer.deletionProtection ? null : "spec.loadBalancer.deletionProtection: false"));
            // Security Hub's ELB.5 covers Application and Classic Load Balancers only: the check is prowler's.
            findings.add(Finding.control("elbv2_logging_enabled", "elbv2_logging_enabled", lb.accessLogsBucket() != null, "MEDIUM", lb.arn(),
                    "the load balancer writes access logs to S3 (for its TLS listener)",
                    spec.loadBalancer.accessLogs ? null : "spec.loadBalancer.accessLogs: false"));
            // TLS needs a certificate of the user's own domain: without spec.loadBalancer.certificateArn there is none to serve.
            Listeners.State listeners = Listeners.of(scope);
            if (listeners != null) {
                boolean tls = listeners.byPort().values().stream().anyMatch(l -> l.protocol() == ProtocolEnum.TLS);
                findings.add(Finding.control("elbv2_nlb_tls_termination_enabled", "elbv2_nlb_tls_termination_enabled", tls, "MEDIUM", lb.arn(),
                        "the load balancer terminates TLS", spec.loadBalancer.certificateArn == null
                                ? "spec.loadBalancer.certificateArn: none (port 443 with a certificate adds a TLS listener)" : null));
            }
        }
        return findings;
    }
}
