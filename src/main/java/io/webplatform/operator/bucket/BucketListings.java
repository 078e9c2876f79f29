package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.engine.Scope;
import io.webplatform.operator.engine.SharedReads;
import io.webplatform.operator.engine.SharedReads.Item;
import io.webplatform.operator.engine.SharedReads.Listing;
import io.webplatform.operator.engine.SharedReads.Selection;

import java.util.List;
import java.util.Set;

/**
 * The listings a SecureBucket's idle resync compares ({@link io.webplatform.operator.engine.IdleGate}):
 * what exists cheaply, one listing per kind per region per resync window for every SecureBucket. They
 * show a bucket, the replication role, the trail's CloudWatch Logs role, the key's alias or the trail deleted or replaced (a role's trust
 * policy, an alias's target, a trail's settings changed); a bucket's configuration, a key's policy or a
 * role's inline policy are per-resource reads, checked at the next full pass (the drift-check period). Listings are of
 * the SecureBucket's region, except S3's, which lists the account's buckets of every region: a cross-region backup's
 * key (in the backup's region) is checked at the next full pass too.
 * <ul>
 *   <li>S3 ListBuckets, up to 10,000 a page (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html);</li>
 *   <li>KMS ListAliases, up to 100 a page (https://docs.aws.amazon.com/kms/latest/APIReference/API_ListAliases.html);</li>
 *   <li>IAM ListRoles, up to 1,000 a page (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html);</li>
 *   <li>CloudTrail DescribeTrails, every trail of the region at once (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html).</li>
 * </ul>
 */
public final class BucketListings {

    private BucketListings() {
    }

    public static List<SharedReads.Kind> kinds(AwsClients clients) {
        return List.of(
                new Listing<BucketScope>("s3:bucket", region -> clients.s3(region).listBucketsPaginator(r -> r.maxBuckets(10_000)).buckets().stream()
                        .map(b -> new Item(null, b.name(), b.toString())).toList(),
                        scope -> Selection.byNames(buckets(scope))),
                new Listing<BucketScope>("kms:alias", region -> clients.kms(region).listAliasesPaginator(r -> r.limit(100)).aliases().stream()
                        .map(a -> new Item(null, a.aliasName(), a.toString())).toList(),
                        scope -> Selection.byNames(Set.of(scope.names().keyAlias()))),
                new Listing<BucketScope>("iam:role", region -> clients.iam(region).listRolesPaginator(r -> r.maxItems(1000)).roles().stream()
                        .map(r -> new Item(null, r.roleName(), r.toBuilder().roleLastUsed((software.amazon.awssdk.services.iam.model.RoleLastUsed) null).build().toString())).toList(),
                        scope -> Selection.byNames(scope.trailLogsEnabled() ? Set.of(scope.names().replicationRole(), TrailLogsRole.roleName(scope))
                                : Set.of(scope.names().replicationRole()))),
                new Listing<BucketScope>("cloudtrail:trail", region -> clients.cloudTrail(region).describeTrails(r -> r.includeShadowTrails(false))
                        .trailList().stream().map(t -> new Item(null, t.name(), t.toString())).toList(),
                        scope -> Selection.byNames(scope.trailEnabled() ? Set.of(scope.trailDestination().trail()) : Set.of())));
    }

    /** The data and backup buckets, the shared trail's log bucket when this SecureBucket records into it, the access-log bucket when it logs. */
    private static Set<String> buckets(BucketScope scope) {
        // Not Set.of: a spec may give the backup bucket the data bucket's name while replication is off.
        Set<String> names = new java.util.HashSet<>();
        names.add(scope.names().bucket());
        names.add(scope.names().backupBucket());
        if (scope.trailEnabled()) {
            names.add(scope.trailDestination().logBucket());
        }
        if (scope.accessLogsEnabled()) {
            names.add(scope.accessLogBucket());
            if (scope.backupLogsInItsRegion()) {
                names.add(scope.accessLogBucket(scope.backupRegion()));
            }
        }
        return names;
    }
}
