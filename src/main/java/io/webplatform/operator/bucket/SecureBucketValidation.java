package io.webplatform.operator.bucket;

import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.Partition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the schema cannot say, judged before any AWS call. */
public final class SecureBucketValidation {
    private SecureBucketValidation() {
    }

    public static List<String> validate(SecureBucket resource) {
        List<String> problems = new ArrayList<>();
        var spec = resource.getSpec();
        if (spec == null) {
            problems.add("spec is missing");
            return problems;
        }
        if (spec.region != null && !Partition.exists(spec.region)) {
            problems.add("region " + spec.region + " is not an AWS region this operator knows");
        } else if (spec.region != null) {
            Partition.unsupported(spec.region).ifPresent(problems::add);
        }
        String backupRegion = spec.replication == null ? null : spec.replication.region;
        if (backupRegion != null && !Partition.exists(backupRegion)) {
            problems.add("replication.region " + backupRegion + " is not an AWS region this operator knows");
        } else if (backupRegion != null) {
            Partition.unsupported(backupRegion).ifPresent(problems::add);
        }
        problems.addAll(Ownership.userTagProblems(spec.tags));
        // Only given names can collide: derived ones differ by their suffixes, whatever key they hash.
        BucketNames names = BucketNames.of(resource, String.valueOf(resource.getMetadata().getUid()));
        Set<String> used = new HashSet<>();
        used.add(names.bucket());
        boolean replication = spec.replication != null && spec.replication.enabled;
        boolean trail = spec.trail != null && spec.trail.enabled;
        if (replication && !used.add(names.backupBucket())) {
            problems.add("the backup bucket name " + names.backupBucket() + " is already used by this SecureBucket");
        }
        if (trail && !used.add(names.logBucket())) {
            problems.add("the trail's log bucket name " + names.logBucket() + " is already used by this SecureBucket");
        }
        return problems;
    }
}
