/**
 * A bigger CDK app for the figures of issue 10 (how many findings map by creation stack, by
 * construct ids, or not at all): four stack classes, two stages made in a loop (computed stack
 * ids), custom constructs in their own folder, a helper function, ids computed in loops, L2s whose
 * L1 the library makes lazily (bucket, queue and topic policies), a VPC with instances.
 */
export const SAMPLE_APP: Record<string, string> = {
  'cdk.json': JSON.stringify({ app: 'npx ts-node --prefer-ts-exts bin/shop.ts' }, null, 2),
  'bin/shop.ts': `#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ApiStack } from '../lib/api-stack';
import { DataStack } from '../lib/data-stack';
import { FleetStack } from '../lib/fleet-stack';
import { OpsStack } from '../lib/ops-stack';

const app = new App();
for (const stage of ['dev', 'prod']) {
  const data = new DataStack(app, \`Shop-\${stage}-Data\`, { stage });
  new ApiStack(app, \`Shop-\${stage}-Api\`, { table: data.orders });
}
new FleetStack(app, 'ShopFleet');
new OpsStack(app, 'ShopOps');
app.synth();
`,
  'lib/constructs/public-site.ts': `import { Construct } from 'constructs';
import * as s3 from 'aws-cdk-lib/aws-s3';

export interface PublicSiteProps {
  /** Log bucket with a public canned ACL (legacy). */
  legacyLogs?: boolean;
}

export class PublicSite extends Construct {
  readonly content: s3.Bucket;

  constructor(scope: Construct, id: string, props: PublicSiteProps = {}) {
    super(scope, id);
    this.content = new s3.Bucket(this, 'Content', {
      publicReadAccess: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
      websiteIndexDocument: 'index.html',
    });
    if (props.legacyLogs) {
      new s3.Bucket(this, 'Logs', {
        accessControl: s3.BucketAccessControl.PUBLIC_READ,
        objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
        blockPublicAccess: new s3.BlockPublicAccess({
          blockPublicAcls: false,
          ignorePublicAcls: false,
          blockPublicPolicy: true,
          restrictPublicBuckets: true,
        }),
      });
    }
  }
}
`,
  'lib/constructs/inbox.ts': `import { Construct } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/** A queue anyone may send to, fed by a topic anyone may publish to. */
export class Inbox extends Construct {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue');
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        principals: [new iam.AnyPrincipal()],
        resources: [this.queue.queueArn],
      }),
    );
    const topic = new sns.Topic(this, 'Topic');
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new iam.AnyPrincipal()],
        resources: [topic.topicArn],
      }),
    );
  }
}
`,
  'lib/util.ts': `import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** A CI user with a long-lived key whose secret is put in an output. */
export function deployer(scope: Construct, id: string): iam.User {
  const user = new iam.User(scope, id);
  const key = new iam.AccessKey(scope, \`\${id}Key\`, { user });
  new CfnOutput(scope, \`\${id}Secret\`, { value: key.secretAccessKey.unsafeUnwrap() });
  return user;
}
`,
  'lib/data-stack.ts': `import { Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { Inbox } from './constructs/inbox';
import { PublicSite } from './constructs/public-site';

export interface DataStackProps extends StackProps {
  stage: string;
}

export class DataStack extends Stack {
  readonly orders: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.orders = new dynamodb.Table(this, 'Orders', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    });
    new PublicSite(this, 'Storefront', { legacyLogs: props.stage === 'prod' });
    new Inbox(this, 'Returns');
    for (const name of ['Exports', 'Imports']) {
      new s3.Bucket(this, name, { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY });
    }
  }
}
`,
  'lib/api-stack.ts': `import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

export interface ApiStackProps extends StackProps {
  table: dynamodb.ITable;
}

export class ApiStack extends Stack {
  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const code = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });');
    const orders = new lambda.Function(this, 'Orders', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code,
      environment: { TABLE: props.table.tableName },
    });
    props.table.grantReadWriteData(orders);
    orders.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    const webhook = new lambda.Function(this, 'Webhook', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code,
      environment: { PARTNER_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' },
    });
    webhook.grantInvoke(new iam.AnyPrincipal());

    new iam.Role(this, 'Support', { assumedBy: new iam.AnyPrincipal() });
  }
}
`,
  'lib/fleet-stack.ts': `import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

export class FleetStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Network', { maxAzs: 2, natGateways: 0 });
    const machineImage = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' });
    for (let i = 1; i <= 2; i++) {
      new ec2.Instance(this, \`Worker\${i}\`, {
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
        instanceType: new ec2.InstanceType('t3.micro'),
        machineImage,
      });
    }
    new ec2.Instance(this, 'Bastion', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      instanceType: new ec2.InstanceType('t3.nano'),
      machineImage,
      requireImdsv2: true,
    });
    new ec2.LaunchTemplate(this, 'Spot', { instanceType: new ec2.InstanceType('t3.small') });
  }
}
`,
  'lib/ops-stack.ts': `import { SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { deployer } from './util';

export class OpsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    deployer(this, 'Release');
    deployer(this, 'Nightly');
    new iam.User(this, 'Auditor', {
      password: SecretValue.unsafePlainText('Correct-Horse-9'),
    });
  }
}
`,
};
