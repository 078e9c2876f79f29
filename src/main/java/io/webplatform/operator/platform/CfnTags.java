package io.webplatform.operator.platform;

import io.webplatform.operator.engine.CfnResource;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tags an EC2 create call sends (its TagSpecification), as CloudFormation's Tags property. */
final class CfnTags {
    private CfnTags() {
    }

    static List<Map<String, Object>> of(TagSpecification spec) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag tag : spec.tags()) {
            tags.put(tag.key(), tag.value());
        }
        return CfnResource.tags(tags);
    }
}
