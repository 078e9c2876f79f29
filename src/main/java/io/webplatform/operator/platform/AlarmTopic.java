package io.webplatform.operator.platform;

import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Tag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SNS topic every alarm notifies, encrypted with the alarm key, and its subscriptions: the
 * spec's e-mail addresses and other endpoints. A subscription not in the spec is removed (one still
 * waiting for its confirmation cannot be: SNS drops those after three days).
 */
public class AlarmTopic implements Component<PlatformScope, AlarmTopic.Desired, AlarmTopic.State> {
    public static final String NAME = "AlarmTopic";
    static final String PENDING = "PendingConfirmation";
    static final String ENCRYPTION = "KmsMasterKeyId";

    /** The topic's attributes and subscriptions as SNS reports them. */
    public record State(Map<String, String> attributes, List<Subscription> subscriptions) {
    }

    /**
     * The topic as the operator wants it: what CreateTopic sends (name, key, tags), and its subscriptions
     * as protocol:endpoint.
     */
    public record Desired(String name, String kmsKeyId, Map<String, String> tags, Set<String> subscriptions) {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** SNS topic names allow no dots: a dotted namespace or name is sanitised (see AwsNameRules.SNS_TOPIC). */
    static String topicName(PlatformScope scope) {
        return scope.name("", "-alarms", AwsNameRules.SNS_TOPIC, "[^a-zA-Z0-9_-]");
    }

    static String arn(PlatformScope scope) {
        return scope.partition().arn("sns", scope.region(), scope.accountId(), topicName(scope));
    }

    @Override
    public Desired desired(PlatformScope scope) {
        String name = topicName(scope);
        return new Desired(name, scope.idOf(AlarmTopicKey.NAME), scope.tags(NAME, name), subscriptions(scope));
    }

    /** The encrypted topic and one subscription per endpoint (an e-mail subscription waits for its confirmation). */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        String id = CfnResource.logicalId(NAME);
        List<CfnResource> resources = new java.util.ArrayList<>();
        resources.add(CfnResource.of(id, "AWS::SNS::Topic", Map.of("TopicName", desired.name(), "KmsMasterKeyId", desired.kmsKeyId(),
                "Tags", CfnResource.tags(desired.tags()))));
        int n = 0;
        for (String subscription : desired.subscriptions()) {
            int colon = subscription.indexOf(':');
            resources.add(CfnResource.of(id + "Subscription" + n++, "AWS::SNS::Subscription", Map.of("TopicArn", CfnResource.ref(id),
                    "Protocol", subscription.substring(0, colon), "Endpoint", subscription.substring(colon + 1))));
        }
        return resources;
    }

    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        return Observed.ready(CfnResource.ref(CfnResource.logicalId(NAME)), new State(Map.of("KmsMasterKeyId", desired.kmsKeyId()), List.of()));
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        String arn = arn(scope);
        Map<String, String> attributes;
        try {
            attributes = scope.sns().getTopicAttributes(r -> r.topicArn(arn)).attributes();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
        List<Subscription> subscriptions = scope.sns().listSubscriptionsByTopicPaginator(r -> r.topicArn(arn)).subscriptions().stream().toList();
        return Observed.ready(arn, new State(attributes, subscriptions));
    }

    /**
     * The key, then one change per subscription: an unwanted one carries its subscription ARN as its
     * actual value (what Unsubscribe takes), a missing one its endpoint. Field: protocol:endpoint.
     */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        String key = actual.attributes().get(ENCRYPTION);
        if (!desired.kmsKeyId().equals(key)) {
            changes.add(Change.described(ENCRYPTION, key == null ? Change.ABSENT : key, desired.kmsKeyId(),
                    "encryption set back to " + desired.kmsKeyId()));
        }
        Set<String> present = new LinkedHashSet<>();
        for (Subscription s : actual.subscriptions()) {
            String endpoint = endpoint(s);
            present.add(endpoint);
            if (!desired.subscriptions().contains(endpoint) && !PENDING.equals(s.subscriptionArn())) {
                changes.add(Change.unwanted(endpoint, s.subscriptionArn(), "unsubscribed " + endpoint + ": not in the spec"));
            }
        }
        for (String endpoint : desired.subscriptions()) {
            if (!present.contains(endpoint)) {
                changes.add(Change.missing(endpoint, endpoint, "subscribed " + endpoint));
            }
        }
        return changes;
    }

    private static String endpoint(Subscription s) {
        return s.protocol() + ":" + s.endpoint();
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        // CreateTopic is idempotent by name (with the same attributes and tags).
        scope.sns().createTopic(r -> r.name(desired.name())
                .attributes(Map.of(ENCRYPTION, desired.kmsKeyId()))
                .tags(desired.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        String arn = current.id();
        for (Change change : changes) {
            if (ENCRYPTION.equals(change.field())) {
                scope.sns().setTopicAttributes(r -> r.topicArn(arn).attributeName(ENCRYPTION).attributeValue(desired.kmsKeyId()));
            } else if (Change.ABSENT.equals(change.desired())) {
                scope.sns().unsubscribe(r -> r.subscriptionArn(change.actual()));
            } else {
                String endpoint = change.field();
                String protocol = endpoint.substring(0, endpoint.indexOf(':'));
                scope.sns().subscribe(r -> r.topicArn(arn).protocol(protocol).endpoint(endpoint.substring(protocol.length() + 1)));
            }
        }
    }

    /** protocol:endpoint for each subscription the spec asks for. */
    static Set<String> subscriptions(PlatformScope scope) {
        var m = scope.spec().monitoring;
        Set<String> wanted = new LinkedHashSet<>();
        m.email.forEach(e -> wanted.add("email:" + e));
        m.subscriptions.forEach(s -> wanted.add(s.protocol.name() + ":" + s.endpoint));
        return wanted;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        // Deleting a topic removes its subscriptions.
        scope.sns().deleteTopic(r -> r.topicArn(current.id()));
        return true;
    }
}
