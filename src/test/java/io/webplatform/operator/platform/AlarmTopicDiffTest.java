package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.model.Subscription;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The alarm topic's diff, on values built by hand. */
class AlarmTopicDiffTest {
    private static final String KEY = "arn:aws:kms:eu-west-3:123456789012:key/k1";
    private static final String TOPIC = "arn:aws:sns:eu-west-3:123456789012:shop-alarms";
    private static final AlarmTopic.Desired DESIRED = new AlarmTopic.Desired("shop-alarms", KEY, Map.of("webplatform.io/owner-uid", "u1"),
            new LinkedHashSet<>(List.of("email:ops@example.com", "https:https://hooks.example.com/alarms")));

    private final AlarmTopic topic = new AlarmTopic();

    private static Subscription subscription(String protocol, String endpoint, String arn) {
        return Subscription.builder().topicArn(TOPIC).protocol(protocol).endpoint(endpoint).subscriptionArn(arn).build();
    }

    private static final Subscription OPS = subscription("email", "ops@example.com", TOPIC + ":1");
    private static final Subscription HOOK = subscription("https", "https://hooks.example.com/alarms", TOPIC + ":2");

    @Test
    void anEncryptedTopicWithTheSpecsSubscriptionsHasNoChange() {
        assertThat(topic.diff(new AlarmTopic.State(Map.of("KmsMasterKeyId", KEY), List.of(OPS, HOOK)), DESIRED)).isEmpty();
    }

    @Test
    void anotherKeyIsSetBack() {
        assertThat(topic.diff(new AlarmTopic.State(Map.of("KmsMasterKeyId", "alias/aws/sns"), List.of(OPS, HOOK)), DESIRED))
                .containsExactly(Change.described("KmsMasterKeyId", "alias/aws/sns", KEY, "encryption set back to " + KEY));
        assertThat(topic.diff(new AlarmTopic.State(Map.of(), List.of(OPS, HOOK)), DESIRED)).extracting(Change::actual).containsExactly("absent");
    }

    @Test
    void aMissingSubscriptionIsMadeAndAStrangerRemoved() {
        Subscription intruder = subscription("https", "https://intruder.example.com/hook", TOPIC + ":3");
        assertThat(topic.diff(new AlarmTopic.State(Map.of("KmsMasterKeyId", KEY), List.of(OPS, intruder)), DESIRED)).containsExactly(
                Change.unwanted("https:https://intruder.example.com/hook", TOPIC + ":3", "unsubscribed https:https://intruder.example.com/hook: not in the spec"),
                Change.missing("https:https://hooks.example.com/alarms", "https:https://hooks.example.com/alarms",
                        "subscribed https:https://hooks.example.com/alarms"));
    }

    @Test
    void aSubscriptionAwaitingConfirmationIsNeitherRemovedNorMadeAgain() {
        Subscription unconfirmed = subscription("email", "old@example.com", AlarmTopic.PENDING);
        Subscription awaited = subscription("email", "ops@example.com", AlarmTopic.PENDING);
        assertThat(topic.diff(new AlarmTopic.State(Map.of("KmsMasterKeyId", KEY), List.of(awaited, HOOK, unconfirmed)), DESIRED)).isEmpty();
    }
}
