// The byte-level JSON check must agree with JSON.parse on every input: a body it wrongly accepts
// would reach processing as an unreadable record, one it wrongly refuses loses a client's events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonSyntax, MAX_JSON_DEPTH, type JsonSyntax } from '../src/domain/json-syntax.js';

/** What JSON.parse says about the same UTF-8 text. */
function oracle(text: string): JsonSyntax {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'invalid';
  }
  return Array.isArray(value) ? 'array' : value !== null && typeof value === 'object' ? 'object' : 'scalar';
}

const check = (text: string) => jsonSyntax(Buffer.from(text, 'utf8'));

describe('jsonSyntax', () => {
  const cases: [string, JsonSyntax][] = [
    ['[]', 'array'],
    [' [ ] ', 'array'],
    ['{}', 'object'],
    ['{"a":[{"b":null}],"c":true,"d":false,"e":-0.5e+3,"f":"\\u00e9\\n\\"\\\\\\/"}', 'object'],
    ['[1,2.5,-3,0,1e9,1E-9,"x",{"y":[]}]', 'array'],
    ['"x"', 'scalar'],
    ['0', 'scalar'],
    ['null', 'scalar'],
    ['', 'invalid'],
    ['   ', 'invalid'],
    ['[1,]', 'invalid'],
    ['[,1]', 'invalid'],
    ['{"a":1,}', 'invalid'],
    ['{"a"}', 'invalid'],
    ['{"a":}', 'invalid'],
    ['{a:1}', 'invalid'],
    ["{'a':1}", 'invalid'],
    ['[01]', 'invalid'],
    ['[1.]', 'invalid'],
    ['[.5]', 'invalid'],
    ['[-]', 'invalid'],
    ['[1e]', 'invalid'],
    ['[+1]', 'invalid'],
    ['[NaN]', 'invalid'],
    ['[tru]', 'invalid'],
    ['[nul]', 'invalid'],
    ['["\\x"]', 'invalid'],
    ['["\\u12"]', 'invalid'],
    ['["\\u12G4"]', 'invalid'],
    ['["a\tb"]', 'invalid'],
    ['["a\nb"]', 'invalid'],
    ['["\u0000"]', 'invalid'],
    ['[1 2]', 'invalid'],
    ['[1]]', 'invalid'],
    ['[[1]', 'invalid'],
    ['{}x', 'invalid'],
    ['[] []', 'invalid'],
    ['["unterminated]', 'invalid'],
    ['\ufeff[]', 'invalid'],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected} (as JSON.parse)`, () => {
      assert.equal(check(text), expected);
      assert.equal(oracle(text), expected, 'the oracle agrees');
    });
  }

  it('accepts non-ASCII bytes inside strings only', () => {
    assert.equal(check('["Café ☕ 🍮"]'), 'array');
    assert.equal(jsonSyntax(Buffer.from([0x5b, 0xc3, 0xa9, 0x5d])), 'invalid');
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels, accepts exactly that`, () => {
    assert.equal(check('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)), 'array');
    assert.equal(check('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)), 'too-deep');
    assert.equal(check('['.repeat(200_000)), 'too-deep', 'a deep bomb is refused without recursion');
    assert.equal(check('{"a":'.repeat(MAX_JSON_DEPTH) + '1' + '}'.repeat(MAX_JSON_DEPTH)), 'object');
  });

  it('agrees with JSON.parse on any JSON value, pretty-printed or not', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        assert.equal(check(text), oracle(text), text);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with JSON.parse on mutated JSON (one character inserted, deleted or replaced)', () => {
    const alphabet = [...'{}[]":,\\0123456789.eE+-tfnrulsa \t\n\r/u'];
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }),
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'replace'),
        fc.constantFrom(...alphabet),
        (value, at, how, ch) => {
          const text = JSON.stringify(value) ?? 'null';
          const i = at % (text.length + 1);
          const mutated =
            how === 'insert' ? text.slice(0, i) + ch + text.slice(i) : how === 'delete' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + ch + text.slice(i + 1);
          assert.equal(check(mutated), oracle(mutated), mutated);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('agrees with JSON.parse on arbitrary short strings of JSON-ish characters', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'{}[]":,\\0123456789.eE+- truefalsnl\u00e9'), { maxLength: 24 }), (chars) => {
        const text = chars.join('');
        assert.equal(check(text), oracle(text), text);
      }),
      { numRuns: 5000 },
    );
  });
});
