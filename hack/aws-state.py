"""Prints what the operator made in AWS (or the emulator), read with boto3:
    python3 hack/aws-state.py BUCKET          a SecureBucket's buckets, trail and key
    python3 hack/aws-state.py --vpc VPC_ID    a WebPlatform's network
"""
import json
import os
import sys

import boto3

kw = {"region_name": os.environ.get("AWS_REGION", "us-east-1")}
if os.environ.get("AWS_ENDPOINT_URL"):
    kw["endpoint_url"] = os.environ["AWS_ENDPOINT_URL"]

if sys.argv[1] == "--vpc":
    vpc_id = sys.argv[2]
    ec2 = boto3.client("ec2", **kw)
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    print(f"vpc {vpc_id} {vpc['CidrBlock']}")
    where = [{"Name": "vpc-id", "Values": [vpc_id]}]
    for s in sorted(ec2.describe_subnets(Filters=where)["Subnets"], key=lambda s: s["CidrBlock"]):
        print(f"  subnet {s['SubnetId']} {s['CidrBlock']} {s['AvailabilityZone']} public-ip-on-launch={s['MapPublicIpOnLaunch']}")
    for n in ec2.describe_nat_gateways(Filters=where)["NatGateways"]:
        if n["State"] != "deleted":
            print(f"  nat {n['NatGatewayId']} in {n['SubnetId']} {n['State']}")
    for t in ec2.describe_route_tables(Filters=where)["RouteTables"]:
        routes = [(r.get("DestinationCidrBlock"), r.get("GatewayId") or r.get("NatGatewayId")) for r in t["Routes"]]
        print(f"  route table {t['RouteTableId']} {routes} subnets={[a.get('SubnetId') for a in t['Associations'] if a.get('SubnetId')]}")
    for g in ec2.describe_security_groups(Filters=where)["SecurityGroups"]:
        if g["GroupName"] == "default":
            continue
        def rules(perms):
            return [(p.get("IpProtocol"), p.get("FromPort"), [r["CidrIp"] for r in p.get("IpRanges", [])]
                     + [u["GroupId"] for u in p.get("UserIdGroupPairs", [])]) for p in perms]
        print(f"  security group {g['GroupId']} {g['GroupName']} in={rules(g['IpPermissions'])} out={rules(g['IpPermissionsEgress'])}")
    for f in ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]:
        print(f"  flow log {f['FlowLogId']} {f['TrafficType']} -> {f['LogDestination']}")
    live = where + [{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
    for r in ec2.describe_instances(Filters=live)["Reservations"]:
        for i in r["Instances"]:
            md = i["MetadataOptions"]
            print(f"  instance {i['InstanceId']} {i['InstanceType']} {i['Placement']['AvailabilityZone']} {i['State']['Name']}"
                  f" imds-tokens={md['HttpTokens']} hop-limit={md['HttpPutResponseHopLimit']} public-ip={i.get('PublicIpAddress')}")
    elb = boto3.client("elbv2", **kw)
    for lb in elb.describe_load_balancers()["LoadBalancers"]:
        if lb.get("VpcId") != vpc_id:
            continue
        print(f"  load balancer {lb['LoadBalancerName']} {lb['Type']} {lb['Scheme']} {lb['DNSName']}")
        for listener in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
            print(f"    listener {listener['Protocol']}:{listener['Port']}")
        for tg in elb.describe_target_groups(LoadBalancerArn=lb["LoadBalancerArn"])["TargetGroups"]:
            health = elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
            print(f"    target group {tg['TargetGroupName']} {tg['Protocol']}:{tg['Port']} targets="
                  f"{[(h['Target']['Id'], h['TargetHealth']['State']) for h in health]}")
    rds = boto3.client("rds", **kw)
    for db in rds.describe_db_instances()["DBInstances"]:
        if db.get("DBSubnetGroup", {}).get("VpcId") != vpc_id:
            continue
        print(f"  database {db['DBInstanceIdentifier']} {db['Engine']} {db['EngineVersion']} {db['DBInstanceClass']}"
              f" {db['DBInstanceStatus']} encrypted={db['StorageEncrypted']} public={db['PubliclyAccessible']}"
              f" backups={db['BackupRetentionPeriod']}d endpoint={db['Endpoint']['Address']}:{db['Endpoint']['Port']}")
    sys.exit(0)

bucket = sys.argv[1]
s3 = boto3.client("s3", **kw)
ct = boto3.client("cloudtrail", **kw)
kms = boto3.client("kms", **kw)

for name in [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith(bucket)]:
    versioning = s3.get_bucket_versioning(Bucket=name).get("Status")
    sse = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    pab = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    print(f"bucket {name}: versioning={versioning} encryption={sse['SSEAlgorithm']}"
          f" public-access-block={'all on' if all(pab.values()) else pab}"
          f" policy={[s.get('Sid') for s in policy['Statement']]}")
    try:
        rule = s3.get_bucket_replication(Bucket=name)["ReplicationConfiguration"]["Rules"][0]
        print(f"  replication {rule['ID']} -> {rule['Destination']['Bucket']} ({rule['Status']})")
    except s3.exceptions.ClientError:
        pass
# The trail that records the bucket's object writes: shared by the installation's SecureBuckets, each a
# resources.ARN prefix (arn:<partition>:s3:::<bucket>/) of its advanced event selector.
for trail in ct.describe_trails()["trailList"]:
    selectors = ct.get_event_selectors(TrailName=trail["Name"])
    members = [v for s in selectors.get("AdvancedEventSelectors", []) for f in s["FieldSelectors"]
               if f["Field"] == "resources.ARN" for v in f.get("StartsWith", [])]
    if any(v.endswith(f":::{bucket}/") for v in members):
        status = ct.get_trail_status(Name=trail["Name"])
        print(f"trail {trail['Name']}: logging={status['IsLogging']} validation={trail['LogFileValidationEnabled']}"
              f" -> s3://{trail['S3BucketName']} records the object writes of {len(members)} bucket(s), this one included")
for alias in kms.list_aliases()["Aliases"]:
    if alias["AliasName"].startswith("alias/webplatform/") and "TargetKeyId" in alias:
        rotation = kms.get_key_rotation_status(KeyId=alias["TargetKeyId"])["KeyRotationEnabled"]
        print(f"key {alias['AliasName']} -> {alias['TargetKeyId']} rotation={rotation}")
