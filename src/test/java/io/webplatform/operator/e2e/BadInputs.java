package io.webplatform.operator.e2e;

import org.junit.jupiter.params.provider.Arguments;

import java.util.stream.Stream;

/**
 * The suite's bad manifests that the API server refuses (schema and CEL rules): title | spec body
 * (two-space indented lines, a literal \\n between them) | what the refusal says. BadInputTest checks each
 * refusal's message; BadInputDeletionEndToEndTest lists them as having no object to delete.
 */
final class BadInputs {
    private BadInputs() {
    }

    static final String SECURE_BUCKETS_REFUSED = """
            uppercase bucket name        | '  bucketName: My_Bucket'                                          | spec.bucketName
            bucket name like an IP       | '  bucketName: 192.168.1.10'                                       | must be a valid S3 bucket name
            reserved bucket prefix       | '  bucketName: xn--bucket'                                         | must be a valid S3 bucket name
            bad region format            | '  region: Europe-West'                                            | spec.region
            unknown encryption mode      | '  encryption: {mode: Rot13}'                                      | Unsupported value: "Rot13"
            key arn without ExistingKey  | '  encryption: {mode: CreateKey, keyArn: "arn:aws:kms:eu-west-3:123456789012:key/abc"}' | keyArn is required with mode ExistingKey and not allowed with mode CreateKey
            ExistingKey without arn      | '  encryption: {mode: ExistingKey}'                                | keyArn is required with mode ExistingKey
            replication to itself        | '  bucketName: same-bucket\\n  replication: {bucketName: same-bucket}' | a bucket cannot replicate to itself
            backup in another partition  | '  region: us-east-2\\n  replication: {region: us-gov-west-1}'       | S3 does not replicate between aws and aws-us-gov
            backup region in China       | '  replication: {region: cn-north-1}'                              | China (cn-*) and ISO regions are not supported
            trail logs into itself       | '  bucketName: same-bucket\\n  trail: {logBucketName: same-bucket}' | a trail cannot log into the bucket it watches
            unknown deletion policy      | '  deletionPolicy: Shred'                                          | Unsupported value: "Shred"
            emptyOnDelete with Retain    | '  emptyOnDelete: true'                                            | emptyOnDelete: true needs deletionPolicy: Delete
            reserved tag key             | '  tags: {"aws:owner": x}'                                         | reserved
            China region                 | '  region: cn-north-1'                                             | China (cn-*) and ISO regions are not supported
            ISO region                   | '  region: us-iso-east-1'                                          | China (cn-*) and ISO regions are not supported
            """;

    static final String WEB_PLATFORMS_REFUSED = """
            malformed VPC CIDR         | '  network: {vpcCidr: 10.0.0.0/33}'                                                   | vpcCidr must be an IPv4 CIDR
            subnet outside the VPC     | '  network: {vpcCidr: 10.0.0.0/16, publicSubnetCidrs: [10.1.0.0/24, 10.0.1.0/24]}'    | every public subnet must lie inside vpcCidr
            overlapping subnets        | '  network: {publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24], privateSubnetCidrs: [10.0.1.0/25, 10.0.3.0/24]}' | subnets must not overlap
            identical public subnets   | '  network: {publicSubnetCidrs: [10.0.0.0/24, 10.0.0.0/24]}'                           | the two public subnets must not overlap
            identical public, private given | '  network: {publicSubnetCidrs: [10.0.0.0/24, 10.0.0.0/24], privateSubnetCidrs: [10.0.2.0/24, 10.0.3.0/24]}' | the two public subnets must not overlap
            nested private subnets     | '  network: {privateSubnetCidrs: [10.0.2.0/23, 10.0.3.0/24]}'                          | the two private subnets must not overlap
            one CIDR in both lists     | '  network: {publicSubnetCidrs: [10.0.0.0/24, 10.0.1.0/24], privateSubnetCidrs: [10.0.1.0/24, 10.0.3.0/24]}' | a public subnet overlaps a private one
            reserved master user       | '  database: {masterUsername: user}'                                                  | masterUsername is a name PostgreSQL or RDS reserves
            reserved word any case     | '  database: {masterUsername: Select}'                                                | masterUsername is a name PostgreSQL or RDS reserves
            the RDS admin role         | '  database: {masterUsername: RDSAdmin}'                                              | masterUsername is a name PostgreSQL or RDS reserves
            a pg_ role name            | '  database: {masterUsername: pg_monitor}'                                            | masterUsername is a name PostgreSQL or RDS reserves
            an rds_ role name          | '  database: {masterUsername: rds_superuser}'                                         | masterUsername is a name PostgreSQL or RDS reserves
            no backups, not accepted   | '  database: {backupRetentionDays: 0}'                                                | set acceptNoPointInTimeRecovery: true to accept that
            no backups, refused        | '  database: {backupRetentionDays: 0, acceptNoPointInTimeRecovery: false}'           | backupRetentionDays: 0 turns automated backups off
            three zones                | '  network: {availabilityZones: [eu-west-3a, eu-west-3b, eu-west-3c]}'                | must have at most 2 items
            one zone                   | '  network: {availabilityZones: [eu-west-3a]}'                                        | should have at least 2 items
            app port out of range      | '  app: {port: 70000}'                                                                | should be less than or equal to 65535
            app port zero              | '  app: {port: 0}'                                                                    | should be greater than or equal to 1
            unknown instance type      | '  app: {instanceType: huge}'                                                         | spec.app.instanceType
            storage below 20 GiB       | '  database: {storageGiB: 10}'                                                        | should be greater than or equal to 20
            storage above 65536 GiB    | '  database: {storageGiB: 70000}'                                                     | should be less than or equal to 65536
            backup retention above 35  | '  database: {backupRetentionDays: 40}'                                               | should be less than or equal to 35
            negative backup retention  | '  database: {backupRetentionDays: -1}'                                               | should be greater than or equal to 0
            unknown DB deletion policy | '  database: {deletionPolicy: Shred}'                                                 | Unsupported value: "Shred"
            monitoring every 2 s       | '  database: {monitoringIntervalSeconds: 2}'                                          | monitoringIntervalSeconds must be one of [0, 1, 5, 10, 15, 30, 60]
            a session as principal     | '  database: {secretAccess: {restricted: true, principals: ["arn:aws:sts::123456789012:assumed-role/Admin/me"]}}' | spec.database.secretAccess.principals[0]
            a wildcard principal       | '  database: {secretAccess: {restricted: true, principals: ["arn:aws:iam::123456789012:role/ops/*"]}}' | spec.database.secretAccess.principals[0]
            a repeated principal       | '  database: {secretAccess: {principals: ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"]}}' | principals must not repeat
            CPU above 100 percent      | '  monitoring: {cpuPercent: 120}'                                                     | should be less than or equal to 100
            negative connections limit | '  monitoring: {dbConnections: -5}'                                                   | should be greater than or equal to 1
            period not whole minutes   | '  monitoring: {periodSeconds: 90}'                                                   | periodSeconds must be a multiple of 60
            https hook without https   | '  monitoring: {subscriptions: [{protocol: https, endpoint: "http://x.example"}]}'    | an https subscription needs an https:// URL
            restore from two sources   | '  database: {restore: {fromSnapshot: snap-1, fromInstance: db-1}}'                    | restore needs exactly one of fromSnapshot and fromInstance
            restore time of a snapshot | '  database: {restore: {fromSnapshot: snap-1, toTime: "2026-01-01T00:00:00Z"}}'      | toTime is a point in time of fromInstance
            unknown missing-data mode  | '  monitoring: {treatMissingData: sometimes}'                                         | Unsupported value: "sometimes"
            not an e-mail              | '  monitoring: {email: [ops-at-example]}'                                             | spec.monitoring.email[0]
            443 without a certificate  | '  loadBalancer: {ports: [80, 443]}'                                                  | port 443 needs certificateArn
            certificate without 443    | '  loadBalancer: {certificateArn: "arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001"}' | certificateArn is used only by the TLS listener on port 443
            IAM server certificate     | '  loadBalancer: {ports: [443], certificateArn: "arn:aws:iam::123456789012:server-certificate/shop"}' | spec.loadBalancer.certificateArn
            certificate not a UUID     | '  loadBalancer: {ports: [443], certificateArn: "arn:aws:acm:eu-west-3:123456789012:certificate/shop"}' | spec.loadBalancer.certificateArn
            certificate of other region | '  region: eu-west-1\\n  loadBalancer: {ports: [443], certificateArn: "arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001"}' | certificateArn must be a certificate of the
            TLS 1.0 security policy    | '  loadBalancer: {ports: [443], certificateArn: "arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001", sslPolicy: ELBSecurityPolicy-2016-08}' | sslPolicy must be a TLS 1.3 security policy with TLS 1.2 or 1.3 as its minimum
            repeated port              | '  loadBalancer: {ports: [80, 80]}'                                                   | ports must not repeat
            more CIDRs x ports than any quota holds | '  loadBalancer: {ports: [80, 443], certificateArn: "arn:aws:acm:eu-west-3:123456789012:certificate/00000000-0000-0000-0000-000000000001", allowedCidrs: [203.0.0.0/24,203.0.1.0/24,203.0.2.0/24,203.0.3.0/24,203.0.4.0/24,203.0.5.0/24,203.0.6.0/24,203.0.7.0/24,203.0.8.0/24,203.0.9.0/24,203.0.10.0/24,203.0.11.0/24,203.0.12.0/24,203.0.13.0/24,203.0.14.0/24,203.0.15.0/24,203.0.16.0/24,203.0.17.0/24]}' | allowedCidrs times ports may be at most 34
            China region               | '  region: cn-northwest-1'                                                            | China (cn-*) and ISO regions are not supported
            China zones                | '  network: {availabilityZones: [cn-north-1a, cn-north-1b]}'                          | China (cn-*) and ISO regions are not supported
            sqs queue of China         | '  monitoring: {subscriptions: [{protocol: sqs, endpoint: "arn:aws-cn:sqs:cn-north-1:123456789012:q"}]}' | an sqs subscription needs a queue ARN
            """;

    static Stream<Arguments> secureBucketsRefusedAtAdmission() {
        return parse(SECURE_BUCKETS_REFUSED);
    }

    static Stream<Arguments> webPlatformsRefusedAtAdmission() {
        return parse(WEB_PLATFORMS_REFUSED);
    }

    /** A manifest of that kind and name in whichever namespace kubectl is given. */
    static String manifest(String kind, String name, String specBody) {
        return "apiVersion: webplatform.io/v1alpha1\nkind: " + kind + "\nmetadata: {name: " + name + "}\nspec:\n" + specBody + "\n";
    }

    /** A name for a case, from its title. */
    static String name(String title) {
        return "bad-" + Math.abs(title.hashCode() % 100000);
    }

    /** title, body (real line breaks), expected message. */
    private static Stream<Arguments> parse(String table) {
        return table.lines().filter(l -> !l.isBlank()).map(line -> {
            String[] cells = line.split("\\|");
            if (cells.length != 3) {
                throw new IllegalArgumentException("not title | 'body' | expected: " + line);
            }
            String body = cells[1].strip();
            body = body.substring(1, body.length() - 1).replace("\\n", "\n");
            return Arguments.of(cells[0].strip(), body, cells[2].strip());
        });
    }
}
