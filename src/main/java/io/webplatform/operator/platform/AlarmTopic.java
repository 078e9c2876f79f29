package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.engine.RepairingComponent;
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
public class AlarmTopic extends RepairingComponent<PlatformScope> {
    public static final String NAME = "AlarmTopic";
    static final String PENDING = "PendingConfirmation";

    public record State(Map<String, String> attributes, List<Subscription> subscriptions) {
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
    public Observed<Object> observe(PlatformScope scope) {
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

    @Override
    public void create(PlatformScope scope) {
        String name = topicName(scope);
        // CreateTopic is idempotent by name (with the same attributes and tags).
        scope.sns().createTopic(r -> r.name(name)
                .attributes(Map.of("KmsMasterKeyId", scope.idOf(AlarmTopicKey.NAME)))
                .tags(scope.tags(NAME, name).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        String arn = current.id();
        List<String> changes = new ArrayList<>();
        String key = scope.idOf(AlarmTopicKey.NAME);
        if (!key.equals(state.attributes().get("KmsMasterKeyId"))) {
            scope.sns().setTopicAttributes(r -> r.topicArn(arn).attributeName("KmsMasterKeyId").attributeValue(key));
            changes.add("encryption set back to " + key);
        }
        Set<String> wanted = subscriptions(scope);
        Set<String> present = new LinkedHashSet<>();
        for (Subscription s : state.subscriptions()) {
            String endpoint = s.protocol() + ":" + s.endpoint();
            present.add(endpoint);
            if (!wanted.contains(endpoint) && !PENDING.equals(s.subscriptionArn())) {
                scope.sns().unsubscribe(r -> r.subscriptionArn(s.subscriptionArn()));
                changes.add("unsubscribed " + endpoint + ": not in the spec");
            }
        }
        for (String endpoint : wanted) {
            if (!present.contains(endpoint)) {
                String protocol = endpoint.substring(0, endpoint.indexOf(':'));
                scope.sns().subscribe(r -> r.topicArn(arn).protocol(protocol).endpoint(endpoint.substring(protocol.length() + 1)));
                changes.add("subscribed " + endpoint);
            }
        }
        return changes;
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
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        // Deleting a topic removes its subscriptions.
        scope.sns().deleteTopic(r -> r.topicArn(current.id()));
        return true;
    }
}
