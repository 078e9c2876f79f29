package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.ResourceNames;
import static io.webplatform.operator.testing.AwsReads.exists;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What exists in the emulator for one SecureBucket, read straight from AWS APIs: its own key, buckets (an earlier
 * version's log bucket included), role and replication; its membership in the shared trail (trail), and whether
 * the shared trail and its log bucket exist at all.
 */
record AwsInventory(List<KeyMetadata> keys, Set<String> buckets, boolean role, boolean trail, boolean replication,
                    boolean sharedTrail, boolean logBucket, boolean previousTrail) {

    static AwsInventory of(AwsClients aws, BucketScope scope) {
        String region = scope.region();
        BucketNames names = scope.names();
        var kms = aws.kms(region);
        List<KeyMetadata> keys = new ArrayList<>();
        kms.listKeysPaginator(r -> r.limit(100)).keys().forEach(k -> {
            List<Tag> tags = kms.listResourceTags(r -> r.keyId(k.keyId())).tags();
            if (tags.stream().anyMatch(t -> t.tagKey().equals(Ownership.OWNER_UID) && t.tagValue().equals(scope.ownerKey()))) {
                keys.add(kms.describeKey(r -> r.keyId(k.keyId())).keyMetadata());
            }
        });
        Set<String> buckets = new TreeSet<>();
        String logBucket = scope.trailDestination().logBucket();
        Set<String> ours = Set.of(names.bucket(), names.backupBucket(), ResourceNames.derivedBucket(names.bucket(), "-trail"));
        boolean[] log = {false};
        aws.s3(region).listBuckets().buckets().forEach(b -> {
            if (ours.contains(b.name()) && !b.name().equals(logBucket)) {
                buckets.add(b.name());
            }
            if (b.name().equals(logBucket)) {
                log[0] = true;
            }
        });
        boolean role = exists(() -> aws.iam(region).getRole(r -> r.roleName(names.replicationRole())));
        var ct = aws.cloudTrail(region);
        String trailName = scope.trailDestination().trail();
        boolean shared = exists(() -> ct.getTrail(r -> r.name(trailName)));
        boolean member = shared && Trail.membersIn(ct.getEventSelectors(r -> r.trailName(trailName)).advancedEventSelectors(),
                Trail.selectorName(scope)).contains(scope.objectArnPrefix());
        boolean previous = exists(() -> ct.getTrail(r -> r.name(names.trail())));
        boolean replication = buckets.contains(names.bucket())
                && exists(() -> aws.s3(region).getBucketReplication(r -> r.bucket(names.bucket())));
        return new AwsInventory(keys, buckets, role, member, replication, shared, log[0], previous);
    }

    long liveKeys() {
        return keys.stream().filter(k -> k.keyState() != KeyState.PENDING_DELETION).count();
    }

}
