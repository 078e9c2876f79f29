package io.webplatform.operator.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.iam.model.SummaryKeyType;
import software.amazon.awssdk.services.servicequotas.model.ServiceQuota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * AWS's quotas a WebPlatform or SecureBucket consumes, judged before the first write. The limit is
 * Service Quotas' applied value (it includes approved increases), else its AWS default, else the
 * documented default; the usage is counted exactly with the service's own Describe calls, account
 * wide. Objects converging at the same time do not pass on the same free capacity: a ledger in the
 * process keeps what each one still needs until its resources exist (then the count sees them),
 * it stalls, or it is deleted. A converged object that needs nothing new asks nothing.
 *
 * <p>When AWS refuses a create anyway (someone else used the capacity between the check and the
 * create), {@link #refusal} turns the refusal into the same Stalled reason.
 *
 * <p>Sources: Amazon VPC quotas https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html ;
 * RDS https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html ; IAM
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ; S3
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html ; GetServiceQuota /
 * GetAWSDefaultServiceQuota https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html .
 * The vpc/ codes and names are those of moto's copy of AWS's default quota list
 * (moto/servicequotas/resources/default_quotas/vpc.py); the others agree across public tools that call
 * GetServiceQuota (marked where only one source was found).
 */
public final class Quotas {

    /** The Stalled reason (and Event reason) of a quota that does not leave room for what an object needs. */
    public static final String REASON = "QuotaExceeded";

    /** Where a quota applies. */
    public enum Extent {
        /** Per account and Region. */
        REGION,
        /** Per Availability Zone. */
        ZONE,
        /** Per account, every Region together; Service Quotas serves it only in the partition's home Region. */
        ACCOUNT
    }

    /**
     * One quota as AWS names it: its Service Quotas service and quota codes, where it applies, its
     * documented default, and whether it can be raised.
     */
    public record Quota(String name, String serviceCode, String quotaCode, Extent extent, int documentedDefault, boolean adjustable) {
        /** "vpc/L-F678F1CE"; the service alone where no quota code could be verified. */
        public String code() {
            return quotaCode == null ? serviceCode : serviceCode + "/" + quotaCode;
        }
    }

    // Counted before the first write (see the counters below).
    public static final Quota ELASTIC_IPS = new Quota("EC2-VPC Elastic IPs", "ec2", "L-0263D0A3", Extent.REGION, 5, true);
    public static final Quota VPCS = new Quota("VPCs per Region", "vpc", "L-F678F1CE", Extent.REGION, 5, true);
    /** "To increase this quota, increase the quota for VPCs per Region" (Amazon VPC quotas). */
    public static final Quota INTERNET_GATEWAYS = new Quota("Internet gateways per Region", "vpc", "L-A4707A72", Extent.REGION, 5, true);
    /** Only gateways pending, available or deleting count (Amazon VPC quotas). */
    public static final Quota NAT_GATEWAYS = new Quota("NAT gateways per Availability Zone", "vpc", "L-FE5A380F", Extent.ZONE, 5, true);
    /** RDS, Aurora, Neptune and DocumentDB instances together (RDS quotas; ap-south-1's default is 20). */
    public static final Quota DB_INSTANCES = new Quota("DB instances", "rds", "L-7B6409FD", Extent.REGION, 40, true);
    public static final Quota IAM_ROLES = new Quota("Roles per account", "iam", "L-FE177D64", Extent.ACCOUNT, 1000, true);
    // Only met as AWS's refusal: counting them would cost more than they are likely to be hit.
    /** Named "Buckets" in older public copies of the list; the 10,000 default is S3's (BucketRestrictions). */
    public static final Quota S3_BUCKETS = new Quota("General purpose buckets", "s3", "L-DC2B2D3D", Extent.ACCOUNT, 10000, true);
    /** Code from one public source only (unverified against an AWS page). */
    public static final Quota KMS_KEYS = new Quota("Customer managed keys", "kms", "L-C2F1777E", Extent.REGION, 100000, true);
    /** Not adjustable (CloudTrail quotas: 5 trails per Region); no Service Quotas code found in any source, so none is named. */
    public static final Quota TRAILS = new Quota("Trails per region", "cloudtrail", null, Extent.REGION, 5, false);
    /** Code from one public source only (unverified against an AWS page). */
    public static final Quota NETWORK_LOAD_BALANCERS = new Quota("Network Load Balancers per Region", "elasticloadbalancing", "L-69A177A2",
            Extent.REGION, 50, true);
    /** Measured in vCPUs; the default depends on the account. AWS's own CLI example uses this code. */
    public static final Quota ON_DEMAND_STANDARD_VCPUS = new Quota("Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
            "ec2", "L-1216C47A", Extent.REGION, 5, true);
    public static final Quota SECURITY_GROUPS = new Quota("VPC security groups per Region", "vpc", "L-E79EC296", Extent.REGION, 2500, true);
    /**
     * Per NACL and direction, not a count of resources: judged against the rules a spec asks for (Amazon VPC
     * quotas, "Rules per network ACL": 20, adjustable up to 40). Code as moto's copy of AWS's default quotas names it.
     */
    public static final Quota NETWORK_ACL_RULES = new Quota("Rules per network ACL", "vpc", "L-2AEEBF1A", Extent.REGION, 20, true);

    /** Every quota named in this file, for the README. */
    public static final List<Quota> ALL = List.of(ELASTIC_IPS, VPCS, INTERNET_GATEWAYS, NAT_GATEWAYS, DB_INSTANCES, IAM_ROLES, S3_BUCKETS,
            KMS_KEYS, TRAILS, NETWORK_LOAD_BALANCERS, ON_DEMAND_STANDARD_VCPUS, SECURITY_GROUPS, NETWORK_ACL_RULES);

    /** What each object takes of a quota, and how the check counts the account's usage; absent: only AWS's refusal is met. */
    record Judged(String takes, String counted) {
    }

    static final Map<Quota, Judged> JUDGED = judged();

    private static Map<Quota, Judged> judged() {
        Map<Quota, Judged> m = new LinkedHashMap<>();
        m.put(ELASTIC_IPS, new Judged("WebPlatform: 1 per NAT gateway (2 with `natGateways: PerZone`)", "`DescribeAddresses`"));
        m.put(VPCS, new Judged("WebPlatform: 1", "`DescribeVpcs` (the default VPC counts)"));
        m.put(INTERNET_GATEWAYS, new Judged("WebPlatform: 1", "`DescribeInternetGateways`"));
        m.put(NAT_GATEWAYS, new Judged("WebPlatform: 1 in each NAT's zone", "`DescribeNatGateways` (pending, available, deleting), zone of the subnet"));
        m.put(DB_INSTANCES, new Judged("WebPlatform: 1", "`DescribeDBInstances`"));
        m.put(IAM_ROLES, new Judged("WebPlatform: 1 (its instances' role)", "IAM `GetAccountSummary` (Roles)"));
        m.put(NETWORK_ACL_RULES, new Judged("WebPlatform: per NACL and direction, a rule per `loadBalancer.allowedCidrs` entry and listener"
                + " port, plus 5 (public) or 8 (private; 9 with an app port of 1024 or more) fixed rules and AWS's default deny rule"
                + " (\"This quota includes the default deny rules\")",
                "the spec (the quota is per NACL, not a count of the account's); the quota read from Service Quotas only above 20"));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The README's table of quotas (QuotasTest compares them). */
    public static String markdown() {
        StringBuilder out = new StringBuilder("| quota (as Service Quotas names it) | code | where | default | judged | AWS's refusal |\n|---|---|---|---|---|---|\n");
        for (Quota q : ALL) {
            Judged judged = JUDGED.get(q);
            String refusals = REFUSALS.stream().filter(r -> r.quota().equals(q)).map(r -> "`" + r.code() + "`"
                    + (r.operation() == null ? "" : " (" + r.operation() + ")")).collect(Collectors.joining(", "));
            out.append("| ").append(q.name()).append(" | `").append(q.code()).append("` | ")
                    .append(switch (q.extent()) {
                        case REGION -> "Region";
                        case ZONE -> "Availability Zone";
                        case ACCOUNT -> "account";
                    }).append(" | ").append(q == ON_DEMAND_STANDARD_VCPUS ? "depends on the account" : String.format(java.util.Locale.ROOT, "%,d", q.documentedDefault()))
                    .append(q.adjustable() ? "" : " (not adjustable)").append(" | ")
                    .append(judged == null ? "when AWS refuses a create" : "before the first write; " + judged.takes() + "; usage by " + judged.counted())
                    .append(" | ").append(refusals).append(" |\n");
        }
        return out.toString();
    }

    /** One quota where it applies: the Region (or "global"), and for a per-zone quota the zone. */
    public record Key(Quota quota, String region, String zone) {
        public static Key of(Quota quota, String region, String zone) {
            return new Key(quota, quota.extent() == Extent.ACCOUNT ? "global" : region, quota.extent() == Extent.ZONE ? zone : "");
        }

        String where() {
            return quota.extent() == Extent.ACCOUNT ? "the account" : quota.extent() == Extent.ZONE ? zone : region;
        }
    }

    /** A quota's value and where it came from (said in the message). */
    public record Limit(int value, String source) {
    }

    /**
     * What an object consumes of each quota, with a short reason per quota ("2 NAT gateways' addresses"),
     * and what it is known to hold from its last walk (null: not known, counted when needed).
     */
    public record Need(Map<Key, Integer> counts, Map<Quota, String> why) {
        public static Builder builder(String region) {
            return new Builder(region);
        }

        public static final class Builder {
            private final String region;
            private final Map<Key, Integer> counts = new LinkedHashMap<>();
            private final Map<Quota, String> why = new LinkedHashMap<>();

            private Builder(String region) {
                this.region = region;
            }

            public Builder add(Quota quota, String zone, int count, String reason) {
                if (count > 0) {
                    counts.merge(Key.of(quota, region, zone), count, Integer::sum);
                    why.putIfAbsent(quota, reason);
                }
                return this;
            }

            public Need build() {
                // In the order added: the first quota without room is the one a message names.
                return new Need(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts)), Map.copyOf(why));
            }
        }
    }

    /**
     * Usage as counted in AWS: in use per zone ("" for a regional or account quota), and of that, what
     * each owner (the ownership tag's value) holds. {@code owners} is empty where the count has no tags.
     */
    /**
     * @param everyOwner whether {@code owners} tells every owner's holdings (a count by owner tag), or only
     *                   the asking object's (IAM's): what another object holds is then not in it, though in use
     */
    public record Usage(Map<String, Integer> inUse, Map<String, Map<String, Integer>> owners, boolean everyOwner) {
        int inUse(String zone) {
            return inUse.getOrDefault(zone, 0);
        }

        /** What the owner holds in the zone; null when this count cannot tell owners apart. */
        Integer heldBy(String owner, String zone) {
            if (owners == null) {
                return null;
            }
            return owners.getOrDefault(owner, Map.of()).getOrDefault(zone, 0);
        }

        static Usage of(List<String[]> zoneAndOwner) {
            Map<String, Integer> inUse = new HashMap<>();
            Map<String, Map<String, Integer>> owners = new HashMap<>();
            for (String[] item : zoneAndOwner) {
                inUse.merge(item[0], 1, Integer::sum);
                if (!item[1].isEmpty()) {
                    owners.computeIfAbsent(item[1], k -> new HashMap<>()).merge(item[0], 1, Integer::sum);
                }
            }
            return new Usage(inUse, owners, true);
        }
    }

    /** What one object takes of the ledger: what it needs in all, what it is known to hold, when it was last judged. */
    private record Entry(Map<Key, Integer> need, Map<Key, Integer> held, Instant touched) {
        int stillNeeded(Key key, Integer seenHeld) {
            int held = Math.max(this.held.getOrDefault(key, 0), seenHeld == null ? 0 : seenHeld);
            return Math.max(0, need.getOrDefault(key, 0) - held);
        }

        boolean satisfiedFor(Need wanted) {
            return wanted.counts().entrySet().stream().allMatch(e -> held.getOrDefault(e.getKey(), 0) >= e.getValue());
        }
    }

    /** How long an applied value is kept: increases are rare and take AWS a while to approve. */
    static final Duration LIMIT_KEPT = Duration.ofHours(1);
    /** A fallback is kept less long: Service Quotas may answer next time (a permission just granted, say). */
    static final Duration FALLBACK_KEPT = Duration.ofMinutes(10);
    /** A check this recent, for the same need, stands: the reservation already holds it. */
    static final Duration SAME_PASS = Duration.ofSeconds(10);
    /** An object not judged for this long (gone without a deletion this process saw) no longer reserves anything. */
    static final Duration ENTRY_LAPSES = Duration.ofMinutes(30);

    private final AwsClients clients;
    private final Clock clock;
    private final Map<String, Integer> assumed;
    /** Limits asked of Service Quotas, kept a while (engine.ExpiringCache's idea; aws/ does not depend on engine/). */
    private record Kept(Limit limit, Instant until) {
    }

    private final Map<String, Kept> limits = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Entry> ledger = new HashMap<>();

    /**
     * @param assumed quota values given by configuration, instead of asking Service Quotas: {@code
     *                "vpc/L-F678F1CE=20,ec2/L-0263D0A3=10"}, {@code "*=N"} for every quota; empty for none
     */
    public Quotas(AwsClients clients, Clock clock, String assumed) {
        this.clients = clients;
        this.clock = clock;
        this.assumed = parseAssumed(assumed);
    }

    static Map<String, Integer> parseAssumed(String text) {
        Map<String, Integer> values = new HashMap<>();
        if (text == null || text.isBlank()) {
            return values;
        }
        for (String pair : text.split(",")) {
            String[] kv = pair.trim().split("=");
            if (kv.length != 2) {
                throw new IllegalArgumentException("webplatform.quotas.assumed-limits: '" + pair + "' is not <service>/<quota code>=<value> or *=<value>");
            }
            values.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
        }
        return Map.copyOf(values);
    }

    // ---------------------------------------------------------------- the check

    /**
     * Judges an object's need against what is free, before its first write: throws {@link UserError}
     * (reason {@link #REASON}) when a quota lacks room, otherwise reserves what the object still needs.
     * Asks AWS nothing when its last walk showed it holds all it needs.
     *
     * @param owner the object's ownership key (the value of its owner tag)
     * @param what  how the message names the object ("this WebPlatform")
     */
    public void check(String owner, String what, Need need, Function<Quota, Usage> counter) {
        Map<Key, Integer> held;
        Set<Quota> toCount = new LinkedHashSet<>();
        synchronized (ledger) {
            Instant now = clock.instant();
            ledger.values().removeIf(e -> e.touched().plus(ENTRY_LAPSES).isBefore(now));
            Entry known = ledger.get(owner);
            if (known != null && known.need().equals(need.counts()) && known.satisfiedFor(need)) {
                ledger.put(owner, new Entry(known.need(), known.held(), now));
                return;
            }
            if (known != null && known.need().equals(need.counts()) && known.touched().plus(SAME_PASS).isAfter(now)) {
                // Judged moments ago (a pass judges its spec, then walks after judging it again): what it needs is reserved.
                return;
            }
            held = new HashMap<>(known == null ? Map.of() : known.held());
            // Quota by quota, only those the object does not hold yet: one count and one limit each.
            need.counts().forEach((key, n) -> {
                if (held.getOrDefault(key, 0) < n) {
                    toCount.add(key.quota());
                }
            });
        }
        // Counted outside the ledger's lock: platforms applied together count at once, not one after another.
        Map<Quota, Usage> counted = new LinkedHashMap<>();
        for (Quota quota : toCount) {
            counted.put(quota, counter.apply(quota));
        }
        synchronized (ledger) {
            for (Map.Entry<Quota, Usage> count : counted.entrySet()) {
                Quota quota = count.getKey();
                Usage usage = count.getValue();
                for (Map.Entry<Key, Integer> wanted : need.counts().entrySet()) {
                    Key key = wanted.getKey();
                    if (!key.quota().equals(quota)) {
                        continue;
                    }
                    Integer seen = usage.heldBy(owner, key.zone());
                    int holds = Math.max(held.getOrDefault(key, 0), seen == null ? 0 : seen);
                    held.put(key, holds);
                    int more = wanted.getValue() - holds;
                    if (more <= 0) {
                        continue;
                    }
                    int reserved = 0;
                    for (Map.Entry<String, Entry> other : ledger.entrySet()) {
                        if (!other.getKey().equals(owner)) {
                            Integer otherSeen = usage.heldBy(other.getKey(), key.zone());
                            reserved += other.getValue().stillNeeded(key, otherSeen);
                            if (usage.everyOwner()) {
                                // What its walk found it holds since the count was taken: in use, though not counted.
                                reserved += Math.max(0, other.getValue().held().getOrDefault(key, 0) - (otherSeen == null ? 0 : otherSeen));
                            }
                        }
                    }
                    Limit limit = limit(key);
                    int inUse = usage.inUse(key.zone());
                    if (more > limit.value() - inUse - reserved) {
                        ledger.remove(owner);
                        throw new UserError(REASON, message(key, limit, inUse, reserved, what, more, need.why().get(quota)));
                    }
                }
            }
            ledger.put(owner, new Entry(need.counts(), Map.copyOf(held), clock.instant()));
        }
    }

    /** What the object's walk found it holds (its own observations: no call); lets the next check ask nothing. */
    public void held(String owner, Need holds) {
        synchronized (ledger) {
            Entry known = ledger.get(owner);
            if (known != null) {
                ledger.put(owner, new Entry(known.need(), Map.copyOf(holds.counts()), known.touched()));
            }
        }
    }

    /** The object is deleted (or no longer converging here): it reserves nothing any more. */
    public void release(String owner) {
        synchronized (ledger) {
            ledger.remove(owner);
        }
    }

    /** What the ledger keeps for others than {@code owner} of one quota (for tests and the message). */
    int reservedBy(String owner, Key key) {
        synchronized (ledger) {
            return ledger.entrySet().stream().filter(e -> !e.getKey().equals(owner))
                    .mapToInt(e -> e.getValue().stillNeeded(key, null)).sum();
        }
    }

    static String message(Key key, Limit limit, int inUse, int reserved, String what, int more, String why) {
        Quota q = key.quota();
        StringBuilder m = new StringBuilder("quota ").append(q.name()).append(" (").append(q.code()).append(") in ").append(key.where())
                .append(": value ").append(limit.value()).append(" (").append(limit.source()).append("), ").append(inUse).append(" in use");
        if (reserved > 0) {
            m.append(", ").append(reserved).append(" reserved by objects being created");
        }
        m.append("; ").append(what).append(" needs ").append(more).append(" more");
        if (why != null) {
            m.append(" (").append(why).append(")");
        }
        m.append(". ").append(howToRaise(key, String.valueOf(inUse + reserved + more)));
        return m.toString();
    }

    /** The command that asks AWS for more (or why none can). */
    static String howToRaise(Key key, String desired) {
        Quota q = key.quota();
        if (!q.adjustable()) {
            return "This quota is not adjustable: free some of what uses it";
        }
        String region = key.region().equals("global") ? "us-east-1 (us-gov-west-1 in GovCloud)" : key.region();
        // "To increase this quota, increase the quota for VPCs per Region" (Amazon VPC quotas): raising VPCs raises gateways.
        Quota asked = q.equals(INTERNET_GATEWAYS) ? VPCS : q;
        return "Free some of what uses it, or raise it" + (asked == q ? "" : " through " + VPCS.name() + ", which raises it with it")
                + ": aws service-quotas request-service-quota-increase --service-code " + asked.serviceCode()
                + " --quota-code " + asked.quotaCode() + " --desired-value " + desired + " --region " + region
                + " (or the Service Quotas console)";
    }

    // ---------------------------------------------------------------- the limit

    /** The quota's value where it applies: assumed by configuration, else Service Quotas (cached), else the documented default. */
    public Limit limit(Key key) {
        Quota q = key.quota();
        Integer value = assumed.containsKey(q.code()) ? assumed.get(q.code()) : assumed.get("*");
        if (value != null) {
            return new Limit(value, "as configured in webplatform.quotas.assumed-limits");
        }
        String region = serviceQuotasRegion(key);
        String cacheKey = region + "/" + q.code();
        Kept kept = limits.get(cacheKey);
        if (kept != null && kept.until().isAfter(clock.instant())) {
            return kept.limit();
        }
        Limit asked = ask(region, q);
        limits.put(cacheKey, new Kept(asked, clock.instant().plus(asked.source().startsWith("applied") ? LIMIT_KEPT : FALLBACK_KEPT)));
        return asked;
    }

    /** Global quotas are served only in us-east-1 (us-gov-west-1 in GovCloud); an emulator answers in any region. */
    String serviceQuotasRegion(Key key) {
        if (key.quota().extent() != Extent.ACCOUNT || clients.endpoint().isPresent()) {
            return key.region().equals("global") ? clients.region(null) : key.region();
        }
        String home = clients.region(null);
        return Partition.AWS_US_GOV.equals(Partition.of(home).id()) ? "us-gov-west-1" : "us-east-1";
    }

    private Limit ask(String region, Quota q) {
        String why;
        try {
            ServiceQuota applied = clients.serviceQuotas(region).getServiceQuota(r -> r.serviceCode(q.serviceCode()).quotaCode(q.quotaCode())).quota();
            if (applied != null && applied.value() != null) {
                return new Limit(applied.value().intValue(), "applied value, Service Quotas");
            }
            why = applied == null || applied.errorReason() == null ? "no applied value" : applied.errorReason().errorCodeAsString();
        } catch (RuntimeException e) {
            why = unavailable(e);
        }
        try {
            ServiceQuota fallback = clients.serviceQuotas(region).getAWSDefaultServiceQuota(r -> r.serviceCode(q.serviceCode()).quotaCode(q.quotaCode())).quota();
            if (fallback != null && fallback.value() != null) {
                return new Limit(fallback.value().intValue(), "AWS default from Service Quotas; the applied value could not be read: " + why);
            }
        } catch (RuntimeException e) {
            why = why + ", then " + unavailable(e);
        }
        return new Limit(q.documentedDefault(), "documented default; Service Quotas could not be read: " + why);
    }

    /**
     * Why Service Quotas did not answer, when that means "use the next source" (denied, not served here,
     * no such quota); throttling and AWS's own errors are thrown, for the pass to be tried again.
     */
    private static String unavailable(RuntimeException e) {
        if (e instanceof SdkClientException) {
            return "not reachable (" + e.getClass().getSimpleName() + ")";
        }
        AwsErrors.Kind kind = AwsErrors.classify(e);
        if (e instanceof AwsServiceException && (kind == AwsErrors.Kind.USER_ERROR || kind == AwsErrors.Kind.NOT_FOUND
                || "NoSuchResourceException".equals(AwsErrors.errorCode(e)) || kind == AwsErrors.Kind.UNKNOWN)) {
            return AwsErrors.errorCode(e);
        }
        throw e;
    }

    // ---------------------------------------------------------------- usage, counted account wide

    /** Every Elastic IP of the Region (DescribeAddresses is not paginated). */
    public static Usage elasticIps(Ec2Client ec2) {
        return Usage.of(ec2.describeAddresses().addresses().stream().map(a -> item("", a.tags())).toList());
    }

    /** Every VPC of the Region, the default VPC included (it counts toward the quota). */
    public static Usage vpcs(Ec2Client ec2) {
        return Usage.of(ec2.describeVpcsPaginator(r -> r.maxResults(1000)).vpcs().stream().map(v -> item("", v.tags())).toList());
    }

    public static Usage internetGateways(Ec2Client ec2) {
        return Usage.of(ec2.describeInternetGatewaysPaginator(r -> r.maxResults(1000)).internetGateways().stream()
                .map(g -> item("", g.tags())).toList());
    }

    /** NAT gateways pending, available or deleting (the states that count), by their subnet's zone. */
    public static Usage natGateways(Ec2Client ec2) {
        List<NatGateway> live = ec2.describeNatGatewaysPaginator(r -> r.maxResults(1000).filter(Filter.builder().name("state")
                .values("pending", "available", "deleting").build())).natGateways().stream().toList();
        Set<String> subnetIds = live.stream().map(NatGateway::subnetId).collect(Collectors.toCollection(LinkedHashSet::new));
        Map<String, String> zoneOf = new HashMap<>();
        if (!subnetIds.isEmpty()) {
            ec2.describeSubnetsPaginator(r -> r.filters(Filter.builder().name("subnet-id").values(subnetIds).build())).subnets()
                    .forEach((Subnet s) -> zoneOf.put(s.subnetId(), s.availabilityZone()));
        }
        return Usage.of(live.stream().map(n -> item(zoneOf.getOrDefault(n.subnetId(), "?"), n.tags())).toList());
    }

    /** Every DB instance of the Region (Aurora, Neptune and DocumentDB instances count too, and are listed here). */
    public static Usage dbInstances(software.amazon.awssdk.services.rds.RdsClient rds) {
        List<String[]> items = new ArrayList<>();
        rds.describeDBInstancesPaginator(r -> r.maxRecords(100)).dbInstances().forEach(db -> items.add(new String[]{"",
                db.tagList().stream().filter(t -> Ownership.OWNER_UID.equals(t.key())).map(t -> t.value()).findFirst().orElse("")}));
        return Usage.of(items);
    }

    /**
     * IAM counts its roles itself (GetAccountSummary's Roles), without owners: whether {@code owner}'s own
     * role exists is told ({@code ownsOne}, read by its name), so that an object holding its role never
     * needs one more; what others hold comes from their walks.
     */
    public static Usage iamRoles(software.amazon.awssdk.services.iam.IamClient iam, String owner, boolean ownsOne) {
        Integer roles = iam.getAccountSummary().summaryMap().get(SummaryKeyType.ROLES);
        return new Usage(Map.of("", roles == null ? 0 : roles), ownsOne ? Map.of(owner, Map.of("", 1)) : Map.of(), false);
    }

    private static String[] item(String zone, List<Tag> tags) {
        return new String[]{zone, tags.stream().filter(t -> Ownership.OWNER_UID.equals(t.key())).map(Tag::value).findFirst().orElse("")};
    }

    // ---------------------------------------------------------------- AWS's refusals

    /**
     * One refusal that means a quota is reached: the service as the SDK names it, the refused operation
     * (null: any), the error code, and the quota. EC2 codes: "Error codes for the Amazon EC2 API"
     * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
     */
    public record Refusal(String service, String operation, String code, Quota quota, String source) {
        boolean matches(String failedService, String failedOperation, String failedCode) {
            return code.equals(failedCode) && (failedService == null || service.equalsIgnoreCase(failedService))
                    && (operation == null || operation.equals(failedOperation));
        }
    }

    public static final List<Refusal> REFUSALS = List.of(
            // Seen in AWS's answer: "The maximum number of addresses has been reached." (HTTP 400)
            new Refusal("Ec2", null, "AddressLimitExceeded", ELASTIC_IPS, "EC2 error codes; AWS's answer quoted in public issues"),
            new Refusal("Ec2", null, "VpcLimitExceeded", VPCS, "EC2 error codes; 'The maximum number of VPCs has been reached.'"),
            new Refusal("Ec2", null, "InternetGatewayLimitExceeded", INTERNET_GATEWAYS, "EC2 error codes"),
            new Refusal("Ec2", null, "NatGatewayLimitExceeded", NAT_GATEWAYS, "EC2 error codes; 'The maximum number of NAT Gateways has been reached.'"),
            new Refusal("Ec2", null, "SecurityGroupLimitExceeded", SECURITY_GROUPS, "EC2 error codes (unverified)"),
            new Refusal("Ec2", null, "VcpuLimitExceeded", ON_DEMAND_STANDARD_VCPUS, "EC2 error codes"),
            new Refusal("Ec2", null, "InstanceLimitExceeded", ON_DEMAND_STANDARD_VCPUS, "EC2 error codes"),
            // "The request would result in the user exceeding the allowed number of DB instances."
            new Refusal("Rds", null, "InstanceQuotaExceeded", DB_INSTANCES, "RDS API reference, CreateDBInstance errors"),
            // LimitExceeded also answers other IAM limits (a policy's size): only CreateRole's is the roles quota.
            new Refusal("Iam", "iam:CreateRole", "LimitExceeded", IAM_ROLES, "IAM API reference, CreateRole errors (HTTP 409)"),
            new Refusal("S3", null, "TooManyBuckets", S3_BUCKETS, "S3 error responses (HTTP 400)"),
            new Refusal("Kms", "kms:CreateKey", "LimitExceededException", KMS_KEYS, "KMS API reference, CreateKey errors"),
            new Refusal("CloudTrail", null, "MaximumNumberOfTrailsExceededException", TRAILS, "CloudTrail API reference, CreateTrail errors"),
            new Refusal("ElasticLoadBalancingV2", null, "TooManyLoadBalancers", NETWORK_LOAD_BALANCERS, "ELB API reference, CreateLoadBalancer errors"),
            new Refusal("Ec2", "ec2:CreateNetworkAclEntry", "NetworkAclEntryLimitExceeded", NETWORK_ACL_RULES, "EC2 error codes"));

    private static final Pattern OPERATION = Pattern.compile("^[a-z0-9-]+:[A-Za-z]+$");

    /**
     * A create AWS refused because a quota is reached, as the Stalled error a person acts on; null when
     * the failure is not a quota's. {@code action}: the refused call's IAM action ("iam:CreateRole"), or null.
     */
    public static UserError refusal(Throwable failure, String region, String action) {
        if (!(failure instanceof AwsServiceException e) || e.awsErrorDetails() == null) {
            return null;
        }
        String code = e.awsErrorDetails().errorCode();
        String service = e.awsErrorDetails().serviceName();
        String operation = action != null && OPERATION.matcher(action).matches() ? action : null;
        for (Refusal row : REFUSALS) {
            if (row.matches(service, operation, code)) {
                Key key = Key.of(row.quota(), region, "");
                String where = row.quota().extent() == Extent.ZONE ? "an Availability Zone of " + region : key.where();
                return new UserError(REASON, "quota " + row.quota().name() + " (" + row.quota().code() + ") in " + where
                        + " is reached: AWS refused " + (operation == null ? "the create" : operation) + " with " + AwsErrors.message(e)
                        + ". " + howToRaise(key, "<value>"));
            }
        }
        return null;
    }
}
