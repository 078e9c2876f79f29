package io.webplatform.operator.engine;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The selector grammar of Kubernetes' labels.Parse, matched as the API server matches a list or watch. */
class LabelSelectorTest {

    private static boolean matches(String selector, Map<String, String> labels) {
        return LabelSelector.parse(selector).matches(labels);
    }

    @Test
    void equalityBasedRequirements() {
        assertThat(matches("shard=a", Map.of("shard", "a"))).isTrue();
        assertThat(matches("shard==a", Map.of("shard", "a"))).isTrue();
        assertThat(matches("shard = a", Map.of("shard", "a"))).isTrue();
        assertThat(matches("shard=a", Map.of("shard", "b"))).isFalse();
        assertThat(matches("shard=a", Map.of())).isFalse();
        // != matches an object without the label, as in Kubernetes.
        assertThat(matches("shard!=a", Map.of())).isTrue();
        assertThat(matches("shard!=a", Map.of("shard", "a"))).isFalse();
        assertThat(matches("shard!=a", Map.of("shard", "b"))).isTrue();
    }

    @Test
    void setBasedAndExistenceRequirements() {
        assertThat(matches("shard in (a, b)", Map.of("shard", "b"))).isTrue();
        assertThat(matches("shard in (a,b)", Map.of("shard", "c"))).isFalse();
        assertThat(matches("shard notin (a,b)", Map.of("shard", "c"))).isTrue();
        assertThat(matches("shard notin (a,b)", Map.of())).isTrue();
        assertThat(matches("shard notin (a,b)", Map.of("shard", "a"))).isFalse();
        assertThat(matches("shard", Map.of("shard", ""))).isTrue();
        assertThat(matches("shard", Map.of())).isFalse();
        assertThat(matches("!shard", Map.of())).isTrue();
        assertThat(matches("!shard", Map.of("shard", "a"))).isFalse();
        assertThat(matches("size>3", Map.of("size", "4"))).isTrue();
        assertThat(matches("size>3", Map.of("size", "3"))).isFalse();
        assertThat(matches("size<3", Map.of("size", "x"))).isFalse();
    }

    @Test
    void everyRequirementMustHoldAndCommasInsideSetsDoNotSplit() {
        String selector = "tier in (web,db),shard=a,!legacy";
        assertThat(LabelSelector.parse(selector).requirements()).hasSize(3);
        assertThat(matches(selector, Map.of("tier", "db", "shard", "a"))).isTrue();
        assertThat(matches(selector, Map.of("tier", "db", "shard", "a", "legacy", "yes"))).isFalse();
        assertThat(matches(selector, Map.of("tier", "cache", "shard", "a"))).isFalse();
    }

    @Test
    void theEmptySelectorSelectsEverythingAndNonsenseIsRefused() {
        assertThat(matches("", Map.of("anything", "x"))).isTrue();
        assertThat(matches(null, null)).isTrue();
        assertThatThrownBy(() -> LabelSelector.parse("shard=a,")).hasMessageContaining("empty requirement");
        assertThatThrownBy(() -> LabelSelector.parse("shard in a,b")).hasMessageContaining("invalid label selector");
        assertThatThrownBy(() -> LabelSelector.parse("size>x")).hasMessageContaining("integer");
    }
}
