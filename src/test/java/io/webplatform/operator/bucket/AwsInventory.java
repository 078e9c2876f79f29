package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.testing.Emulator;
import static io.webplatform.operator.testing.AwsReads.exists;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What exists in the emulator for one SecureBucket, read straight from AWS APIs. */
record AwsInventory(List<KeyMetadata> keys, Set<String> buckets, boolean role, boolean trail, boolean replication) {

    static AwsInventory of(AwsClients aws, String ownerUid, BucketNames names) {
        var kms = aws.kms(Emulator.REGION);
        List<KeyMetadata> keys = new ArrayList<>();
        kms.listKeysPaginator(r -> r.limit(100)).keys().forEach(k -> {
            List<Tag> tags = kms.listResourceTags(r -> r.keyId(k.keyId())).tags();
            if (tags.stream().anyMatch(t -> t.tagKey().equals(Ownership.OWNER_UID) && t.tagValue().equals(ownerUid))) {
                keys.add(kms.describeKey(r -> r.keyId(k.keyId())).keyMetadata());
            }
        });
        Set<String> buckets = new TreeSet<>();
        Set<String> ours = Set.of(names.bucket(), names.backupBucket(), names.logBucket());
        aws.s3(Emulator.REGION).listBuckets().buckets().forEach(b -> {
            if (ours.contains(b.name())) {
                buckets.add(b.name());
            }
        });
        boolean role = exists(() -> aws.iam(Emulator.REGION).getRole(r -> r.roleName(names.replicationRole())));
        boolean trail = exists(() -> aws.cloudTrail(Emulator.REGION).getTrail(r -> r.name(names.trail())));
        boolean replication = buckets.contains(names.bucket())
                && exists(() -> aws.s3(Emulator.REGION).getBucketReplication(r -> r.bucket(names.bucket())));
        return new AwsInventory(keys, buckets, role, trail, replication);
    }

    long liveKeys() {
        return keys.stream().filter(k -> k.keyState() != KeyState.PENDING_DELETION).count();
    }

}
