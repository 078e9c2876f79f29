package io.webplatform.operator.aws;

import io.webplatform.operator.testing.Emulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.Tag;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key made before its alias (a crash between CreateKey and CreateAlias) is found by its ownership tags;
 * a search reads the tags of the keys it has not read before only, so fifty SecureBuckets' first passes
 * do not each read the tags of every key in the region.
 */
class OwnedKeysEmulatorTest {
    private static AwsClients aws;

    @BeforeAll
    static void clients() {
        aws = Emulator.clients();
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    private static String keyOf(KmsClient kms, String owner, String component) {
        return kms.createKey(r -> r.description("OwnedKeysEmulatorTest").tags(
                Tag.builder().tagKey(Ownership.OWNER_UID).tagValue(owner).build(),
                Tag.builder().tagKey(Ownership.COMPONENT).tagValue(component).build())).keyMetadata().arn();
    }

    private static List<String> searched(KmsClient kms, String owner, String component) {
        List<String> calls = ApiCallMetrics.startRecording();
        try {
            OwnedKeys.Key found = OwnedKeys.read(kms, "alias/webplatform/none-" + owner, owner, component, false);
            if (found != null) {
                calls.add("found:" + found.arn());
            }
            return List.copyOf(calls);
        } finally {
            ApiCallMetrics.stopRecording();
        }
    }

    @Test
    void aKeyWithoutItsAliasIsFoundByItsTagsReadingEachKeysTagsOnce() {
        KmsClient kms = aws.kms(Emulator.REGION);
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        keyOf(kms, a, "AlarmTopicKey");
        String aKey = keyOf(kms, a, "KmsKey");
        keyOf(kms, "someone-else", "KmsKey");

        List<String> first = searched(kms, b, "KmsKey");
        assertThat(first).as("none of b's yet: the search reads the tags of every key it meets").contains("Kms:ListResourceTags")
                .noneMatch(c -> c.startsWith("found:"));

        assertThat(searched(kms, a, "KmsKey")).as("a's key, found without reading any key's tags again")
                .contains("found:" + aKey).doesNotContain("Kms:ListResourceTags");

        String bKey = keyOf(kms, b, "KmsKey");
        List<String> third = searched(kms, b, "KmsKey");
        assertThat(third).contains("found:" + bKey);
        assertThat(third.stream().filter("Kms:ListResourceTags"::equals)).as("only the new key's tags").hasSize(1);
    }
}
