import type { CollectionTag, ScalarTag } from 'yaml';

/**
 * serverless.yml may use CloudFormation's short-form intrinsics (`!GetAtt Dlq.Arn`). Without these
 * tags `yaml` warns and quietly turns them into plain strings; with them they become markers that
 * keep other fields parseable and let a pattern or schedule that uses one be rejected clearly.
 */
export class CloudFormationIntrinsic {
  constructor(
    readonly tag: string,
    readonly args: unknown,
  ) {}

  toString(): string {
    return `${this.tag} ${JSON.stringify(this.args)}`;
  }
}

const INTRINSICS = [
  'And',
  'Base64',
  'Cidr',
  'Condition',
  'Equals',
  'FindInMap',
  'GetAZs',
  'GetAtt',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Ref',
  'Select',
  'Split',
  'Sub',
] as const;

export const cloudFormationTags: (ScalarTag | CollectionTag)[] = INTRINSICS.flatMap((name) => {
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => new CloudFormationIntrinsic(tag, value) },
    { tag, collection: 'seq', resolve: (seq) => new CloudFormationIntrinsic(tag, seq.toJSON()) },
    { tag, collection: 'map', resolve: (map) => new CloudFormationIntrinsic(tag, map.toJSON()) },
  ] satisfies (ScalarTag | CollectionTag)[];
});
