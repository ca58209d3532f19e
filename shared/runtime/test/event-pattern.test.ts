import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessingCompleted } from '@clickstream/contracts';
import { compilePattern, EventPatternError, matchesPattern, validatePattern } from '../src/bus/index.js';

// The EC2 example event of the EventBridge documentation, with a few extra fields.
const ec2 = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    'c-count': 5,
    'x-limit': 301.8,
    enabled: true,
    owner: null,
    note: '',
    'source-ip': '10.0.0.33',
    'ipv6-source': '2001:db8::1',
    tags: ['prod', 'web'],
    nested: { zone: 'us-west-1a', disks: [{ type: 'gp3', size: 100 }, { type: 'io2', size: 500 }] },
    matrix: [
      ['a', 'b'],
      ['c', ['d']],
    ],
    empty: [],
    file: 'logs/2017/app.LOG',
  },
};

type Case = [description: string, pattern: Record<string, unknown>, matches: boolean];

function table(cases: Case[], event: unknown = ec2): void {
  for (const [description, pattern, expected] of cases) {
    it(`${expected ? 'matches' : 'does not match'}: ${description}`, () => {
      validatePattern(pattern);
      assert.equal(matchesPattern(pattern, event), expected);
    });
  }
}

describe('event patterns: exact values', () => {
  table([
    ['a field with the event value', { source: ['aws.ec2'] }, true],
    ['a field with another value', { source: ['aws.s3'] }, false],
    ['any of several alternatives (OR)', { source: ['aws.s3', 'aws.ec2'] }, true],
    ['every field of the pattern (AND)', { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] }, true],
    ['when one of the fields differs', { source: ['aws.ec2'], region: ['eu-west-1'] }, false],
    ['a field the event lacks', { 'no-such-field': ['x'] }, false],
    ['a nested field', { detail: { state: ['terminated'] } }, true],
    ['a nested field with another value', { detail: { state: ['running'] } }, false],
    ['deeper nesting', { detail: { nested: { zone: ['us-west-1a'] } } }, true],
    ['values are case sensitive', { source: ['AWS.EC2'] }, false],
    ['a string is not a prefix match', { source: ['aws'] }, false],
    ['an event array sharing one element with the pattern', { detail: { tags: ['dev', 'web'] } }, true],
    ['an event array sharing no element', { detail: { tags: ['dev', 'test'] } }, false],
    ['arrays nested in arrays are flattened', { detail: { matrix: ['d'] } }, true],
    ['an array of objects when one element matches', { detail: { nested: { disks: { type: ['io2'] } } } }, true],
    [
      'fields from one array element together',
      { detail: { nested: { disks: { type: ['io2'], size: [500] } } } },
      true,
    ],
    [
      'fields spread over different array elements (array consistency)',
      { detail: { nested: { disks: { type: ['gp3'], size: [500] } } } },
      false,
    ],
    ['a leaf pattern against an object value', { detail: { nested: ['us-west-1a'] } }, false],
    ['a nested pattern against a scalar value', { detail: { state: { name: ['terminated'] } } }, false],
    ['the contract pattern of ProcessingCompleted.v1 on a foreign event', ProcessingCompleted.pattern, false],
  ]);
});

describe('event patterns: JSON types are not interchangeable', () => {
  table([
    ['a number with the same number', { detail: { 'c-count': [5] } }, true],
    ['a number written differently (5.0e0)', { detail: { 'c-count': [5.0e0] } }, true],
    ['a string "5" against the number 5', { detail: { 'c-count': ['5'] } }, false],
    ['true with true', { detail: { enabled: [true] } }, true],
    ['the string "true" against true', { detail: { enabled: ['true'] } }, false],
    ['null with a null value', { detail: { owner: [null] } }, true],
    ['null against a missing field', { detail: { missing: [null] } }, false],
    ['null against an empty string', { detail: { note: [null] } }, false],
    ['an empty string with an empty string', { detail: { note: [''] } }, true],
    ['an empty string against null', { detail: { owner: [''] } }, false],
  ]);
});

describe('event patterns: prefix, suffix and equals-ignore-case', () => {
  table([
    ['prefix', { time: [{ prefix: '2017-12-22' }] }, true],
    ['prefix that differs', { time: [{ prefix: '2018' }] }, false],
    ['prefix is case sensitive', { source: [{ prefix: 'AWS.' }] }, false],
    ['prefix with equals-ignore-case', { source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, true],
    ['prefix never matches numbers', { detail: { 'c-count': [{ prefix: '5' }] } }, false],
    ['suffix', { detail: { file: [{ suffix: '.LOG' }] } }, true],
    ['suffix is case sensitive', { detail: { file: [{ suffix: '.log' }] } }, false],
    ['suffix with equals-ignore-case', { detail: { file: [{ suffix: { 'equals-ignore-case': '.log' } }] } }, true],
    ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, true],
    ['equals-ignore-case is still a whole-value match', { source: [{ 'equals-ignore-case': 'AWS' }] }, false],
    ['an exact value OR a prefix', { source: ['aws.s3', { prefix: 'aws.e' }] }, true],
    ['prefix against any element of an event array', { detail: { tags: [{ prefix: 'we' }] } }, true],
  ]);
});

describe('event patterns: anything-but', () => {
  table([
    ['a string other than the excluded one', { detail: { state: [{ 'anything-but': 'running' }] } }, true],
    ['the excluded string itself', { detail: { state: [{ 'anything-but': 'terminated' }] } }, false],
    ['a number other than the excluded one', { detail: { 'c-count': [{ 'anything-but': 6 }] } }, true],
    ['the excluded number itself', { detail: { 'c-count': [{ 'anything-but': 5 }] } }, false],
    ['a value outside an excluded list', { detail: { state: [{ 'anything-but': ['running', 'stopped'] }] } }, true],
    ['a value inside an excluded list', { detail: { state: [{ 'anything-but': ['running', 'terminated'] }] } }, false],
    ['a number inside an excluded number list', { detail: { 'c-count': [{ 'anything-but': [4, 5] }] } }, false],
    ['a value of another type than the excluded ones', { detail: { 'c-count': [{ 'anything-but': 'running' }] } }, true],
    ['a field the event lacks (the field must exist)', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    ['a string without the excluded prefix', { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, true],
    ['a string with the excluded prefix', { detail: { state: [{ 'anything-but': { prefix: 'term' } }] } }, false],
    ['a string with the excluded suffix', { detail: { file: [{ 'anything-but': { suffix: '.LOG' } }] } }, false],
    ['a string without the excluded suffix', { detail: { file: [{ 'anything-but': { suffix: '.png' } }] } }, true],
    [
      'a string equal to the excluded one ignoring case',
      { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'TERMINATED' } }] } },
      false,
    ],
    [
      'a string outside an excluded ignore-case list',
      { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['RUNNING', 'STOPPED'] } }] } },
      true,
    ],
    ['a string matching the excluded wildcard', { detail: { file: [{ 'anything-but': { wildcard: 'logs/*' } }] } }, false],
    ['a string outside the excluded wildcard', { detail: { file: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, true],
    ['an event array with one element not excluded', { detail: { tags: [{ 'anything-but': 'prod' }] } }, true],
    ['an event array whose elements are all excluded', { detail: { tags: [{ 'anything-but': ['prod', 'web'] }] } }, false],
  ]);
});

describe('event patterns: exists', () => {
  table([
    ['exists: true on a present field', { detail: { state: [{ exists: true }] } }, true],
    ['exists: true on a null value (null is a value)', { detail: { owner: [{ exists: true }] } }, true],
    ['exists: true on a missing field', { detail: { missing: [{ exists: true }] } }, false],
    ['exists: false on a missing field', { detail: { missing: [{ exists: false }] } }, true],
    ['exists: false on a present field', { detail: { state: [{ exists: false }] } }, false],
    ['exists: false when the parent object is missing too', { nothing: { here: [{ exists: false }] } }, true],
    ['exists: false on an empty array (no leaf values)', { detail: { empty: [{ exists: false }] } }, true],
    ['exists: true on an object (exists only sees leaves)', { detail: { nested: [{ exists: true }] } }, false],
    ['exists: false on an object (exists only sees leaves)', { detail: { nested: [{ exists: false }] } }, true],
    ['a missing field OR a given value', { detail: { missing: [{ exists: false }, 'x'] } }, true],
    ['a present field OR a given value, neither holding', { detail: { state: [{ exists: false }, 'x'] } }, false],
  ]);
});

describe('event patterns: numeric', () => {
  table([
    ['inside an open/closed range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, true],
    ['on an exclusive bound', { detail: { 'c-count': [{ numeric: ['>', 5] }] } }, false],
    ['on an inclusive bound', { detail: { 'c-count': [{ numeric: ['>=', 5] }] } }, true],
    ['below an upper bound', { detail: { 'x-limit': [{ numeric: ['<', 302] }] } }, true],
    ['outside a range', { detail: { 'x-limit': [{ numeric: ['>', 0, '<', 300] }] } }, false],
    ['equal with =', { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, true],
    ['a range written upper bound first', { detail: { 'c-count': [{ numeric: ['<', 10, '>', 0] }] } }, true],
    ['a numeric string (numeric needs JSON numbers)', { detail: { state: [{ numeric: ['>', 0] }] } }, false],
    ['a missing field', { detail: { missing: [{ numeric: ['>', 0] }] } }, false],
  ]);
  table(
    [['any element of an event array in range', { values: [{ numeric: ['>', 10] }] }, true]],
    { values: [1, '20', 30] },
  );
});

describe('event patterns: wildcard', () => {
  table([
    ['one * in the middle', { source: [{ wildcard: 'aws.*2' }] }, true],
    ['several *', { resources: [{ wildcard: 'arn:aws:ec2:*:*:instance/*' }] }, true],
    ['the whole value, not a substring', { source: [{ wildcard: 'ec*' }] }, false],
    ['* matching nothing', { source: [{ wildcard: 'aws.ec2*' }] }, true],
    ['regex characters are literal', { source: [{ wildcard: 'aws?ec2' }] }, false],
    ['a dot is literal', { detail: { file: [{ wildcard: 'logs/2017/app*LOG' }] } }, true],
  ]);
  table(
    [
      ['an escaped \\* only matches a star', { name: [{ wildcard: 'a\\*c' }] }, true],
      ['an escaped \\* does not match other characters', { other: [{ wildcard: 'a\\*c' }] }, false],
      ['an escaped backslash', { path: [{ wildcard: 'C:\\\\*' }] }, true],
    ],
    { name: 'a*c', other: 'abc', path: 'C:\\temp' },
  );
});

describe('event patterns: cidr', () => {
  table([
    ['an IPv4 address inside the block', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, true],
    ['an IPv4 address outside the block', { detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, false],
    ['an IPv6 address inside the block', { detail: { 'ipv6-source': [{ cidr: '2001:db8::/32' }] } }, true],
    ['a value that is not an IP address', { detail: { state: [{ cidr: '10.0.0.0/8' }] } }, false],
  ]);
});

describe('event patterns: $or', () => {
  table([
    ['when the first alternative matches', { $or: [{ source: ['aws.ec2'] }, { region: ['nowhere'] }] }, true],
    ['when the second alternative matches', { $or: [{ source: ['nowhere'] }, { region: ['us-west-1'] }] }, true],
    ['when no alternative matches', { $or: [{ source: ['nowhere'] }, { region: ['nowhere'] }] }, false],
    [
      'ANDed with the other fields',
      { source: ['aws.s3'], $or: [{ region: ['us-west-1'] }, { account: ['111122223333'] }] },
      false,
    ],
    [
      'inside a nested object',
      { detail: { $or: [{ state: ['running'] }, { 'c-count': [{ numeric: ['>', 1] }] }] } },
      true,
    ],
    [
      'nested $or inside an alternative',
      {
        $or: [
          { source: ['nowhere'] },
          { region: ['us-west-1'], $or: [{ account: ['nope'] }, { detail: { state: ['terminated'] } }] },
        ],
      },
      true,
    ],
  ]);
});

describe('event patterns: contract patterns and events', () => {
  it('matches the envelope of the contract it was derived from', () => {
    const envelope = { ...ec2, source: ProcessingCompleted.source, 'detail-type': ProcessingCompleted.detailType };
    assert.equal(matchesPattern(ProcessingCompleted.pattern, envelope), true);
  });

  it('never matches something that is not an object', () => {
    for (const event of [null, undefined, 'aws.ec2', 42, ['aws.ec2']]) {
      assert.equal(matchesPattern({ source: ['aws.ec2'] }, event), false);
    }
  });

  it('ignores inherited properties of the event', () => {
    assert.equal(matchesPattern({ constructor: [{ exists: true }] }, {}), false);
  });

  it('compiles once into a reusable matcher', () => {
    const isTerminated = compilePattern({ detail: { state: ['terminated'] } });
    assert.equal(isTerminated(ec2), true);
    assert.equal(isTerminated({ detail: { state: 'running' } }), false);
  });
});

describe('validatePattern rejects malformed patterns with the path at fault', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['a pattern that is not an object', ['aws.ec2'], /<root>: expected an object/],
    ['null', null, /expected an object/],
    ['an empty pattern', {}, /at least one field/],
    ['a leaf that is not an array', { source: 'aws.ec2' }, /source: expected an array of alternatives/],
    ['a nested leaf that is not an array', { detail: { state: 'x' } }, /detail\.state: expected an array/],
    ['an empty list of alternatives', { source: [] }, /source: an empty array/],
    ['an empty nested object', { detail: {} }, /detail: a pattern object must name at least one field/],
    ['an unknown operator (a typo)', { source: [{ prefx: 'aws' }] }, /source\[0\]\.prefx: unknown operator "prefx"/],
    ['two operators in one filter', { source: [{ prefix: 'a', suffix: 'b' }] }, /exactly one operator/],
    ['an array among the alternatives', { source: [['a']] }, /source\[0\]: expected a string, number/],
    ['prefix with a number', { source: [{ prefix: 5 }] }, /prefix: expected a string/],
    ['prefix with an unknown option', { source: [{ prefix: { 'ignore-case': 'a' } }] }, /equals-ignore-case/],
    ['exists with a string', { source: [{ exists: 'yes' }] }, /exists: expected true or false/],
    ['numeric with an odd length', { n: [{ numeric: ['>', 0, '<'] }] }, /numeric: expected \[op, number\]/],
    ['numeric with an unknown operator', { n: [{ numeric: ['!=', 0] }] }, /unknown numeric operator "!="/],
    ['numeric with a string bound', { n: [{ numeric: ['>', '0'] }] }, /needs a number/],
    ['numeric with two lower bounds', { n: [{ numeric: ['>', 0, '>=', 5] }] }, /one lower .* and one upper/],
    ['numeric with an empty range', { n: [{ numeric: ['>', 5, '<', 5] }] }, /empty range/],
    ['numeric = inside a range', { n: [{ numeric: ['=', 1, '<', 5] }] }, /one lower/],
    ['anything-but with a mixed list', { s: [{ 'anything-but': ['a', 1] }] }, /only strings or only numbers/],
    ['anything-but with an empty list', { s: [{ 'anything-but': [] }] }, /non-empty list/],
    ['anything-but with exists', { s: [{ 'anything-but': { exists: false } }] }, /anything-but takes/],
    ['anything-but with a boolean', { s: [{ 'anything-but': true }] }, /expected a string, number, list/],
    ['wildcard with consecutive stars', { s: [{ wildcard: 'a**b' }] }, /consecutive \*/],
    ['wildcard escaping another character', { s: [{ wildcard: 'a\\b' }] }, /backslash may only escape/],
    ['cidr without a prefix length', { ip: [{ cidr: '10.0.0.1' }] }, /CIDR block/],
    ['cidr with an impossible prefix length', { ip: [{ cidr: '10.0.0.0/33' }] }, /CIDR block/],
    ['$or with a single alternative', { $or: [{ a: ['x'] }] }, /\$or takes an array of at least two/],
    ['$or that is not an array', { $or: { a: ['x'] } }, /\$or takes an array/],
    ['$or with a malformed alternative', { $or: [{ a: ['x'] }, { b: 'y' }] }, /\$or\[1\]\.b: expected an array/],
    ['a non-finite number', { n: [Infinity] }, /finite/],
  ];
  for (const [description, pattern, message] of invalid) {
    it(description, () => {
      assert.throws(() => validatePattern(pattern), (err: unknown) => {
        assert.ok(err instanceof EventPatternError);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it('makes matchesPattern throw instead of silently never matching', () => {
    assert.throws(() => matchesPattern({ source: 'aws.ec2' } as never, ec2), EventPatternError);
  });
});
