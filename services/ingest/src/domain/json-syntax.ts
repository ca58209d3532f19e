/**
 * A strict RFC 8259 syntax check over the UTF-8 bytes of a request body.
 *
 * Why not JSON.parse: ingest only has to refuse bodies that are not JSON, and keeps the bytes as
 * they came. Parsing built a ~10 KB batch's objects and strings just to drop them, and needed the
 * body decoded to a JS string first: together the largest cost of an upload. This scan allocates
 * nothing and runs several times faster; a differential property test holds it to JSON.parse.
 *
 * Bytes ≥ 0x80 are accepted inside strings only (UTF-8 validity is checked separately with
 * buffer.isUtf8, natively).
 */

export type JsonSyntax = 'array' | 'object' | 'scalar' | 'invalid' | 'too-deep';

/** Nesting deeper than this is refused: no SDK sends it, and a reader's recursion must stay bounded. */
export const MAX_JSON_DEPTH = 512;

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** b[i], or -1 past the end. */
const at = (b: Uint8Array, i: number): number => (i < b.length ? b[i]! : -1);
const isHexDigit = (c: number): boolean => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);

// Reads stay inside the array: an out-of-bounds typed-array read sends V8 down a slow path.
function skipWhitespace(b: Uint8Array, i: number): number {
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else break;
  }
  return i;
}

/** Bytes that end a run of plain string content: the quote, a backslash, control characters. */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;

/** `b[i]` is an opening quote. Returns the index after the closing quote, or -1. */
function scanString(b: Uint8Array, i: number): number {
  const n = b.length;
  for (i++; i < n; ) {
    // Plain content is most of a batch: one table lookup per byte.
    if (STRING_STOP[b[i]!] === 0) {
      i++;
      continue;
    }
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      const e = at(b, i + 1);
      if (e === 0x75) {
        if (!isHexDigit(at(b, i + 2)) || !isHexDigit(at(b, i + 3)) || !isHexDigit(at(b, i + 4)) || !isHexDigit(at(b, i + 5))) return -1;
        i += 6;
      } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
      } else return -1;
    } else if (c < 0x20) return -1;
    else i++;
  }
  return -1;
}

function scanNumber(b: Uint8Array, i: number): number {
  if (at(b, i) === MINUS) i++;
  if (at(b, i) === 0x30) i++;
  else if (isDigit(at(b, i))) while (isDigit(at(b, ++i)));
  else return -1;
  if (at(b, i) === 0x2e) {
    if (!isDigit(at(b, ++i))) return -1;
    while (isDigit(at(b, ++i)));
  }
  const e = at(b, i);
  if (e === 0x65 || e === 0x45) {
    i++;
    if (at(b, i) === 0x2b || at(b, i) === MINUS) i++;
    if (!isDigit(at(b, i))) return -1;
    while (isDigit(at(b, ++i)));
  }
  return i;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

function scanLiteral(b: Uint8Array, i: number, literal: readonly number[]): number {
  for (let k = 0; k < literal.length; k++) if (at(b, i + k) !== literal[k]) return -1;
  return i + literal.length;
}

/** After `{` or `,` in an object: a key and its colon. Returns the index of the value, or -1. */
function scanKey(b: Uint8Array, i: number): number {
  if (at(b, i) !== QUOTE) return -1;
  i = scanString(b, i);
  if (i < 0) return -1;
  i = skipWhitespace(b, i);
  return at(b, i) === COLON ? i + 1 : -1;
}

// Reused: the scan is synchronous, and a fresh off-heap array per call showed in profiles.
const containerKinds = new Uint8Array(MAX_JSON_DEPTH);

/** What the bytes hold, if they are one JSON text (surrounding whitespace allowed). */
export function jsonSyntax(b: Uint8Array, maxDepth = MAX_JSON_DEPTH): JsonSyntax {
  const n = b.length;
  // Open containers, innermost last: 1 = object. Only the first `depth` entries are meaningful.
  const inObject = maxDepth <= containerKinds.length ? containerKinds : new Uint8Array(maxDepth);
  let depth = 0;
  let i = skipWhitespace(b, 0);
  const top = at(b, i);
  for (;;) {
    // A value starts at i (after whitespace).
    i = skipWhitespace(b, i);
    const c = at(b, i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === maxDepth) return 'too-deep';
      i = skipWhitespace(b, i + 1);
      const object = c === OPEN_OBJECT;
      if (at(b, i) === (object ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i++;
      } else {
        inObject[depth++] = object ? 1 : 0;
        if (object && (i = scanKey(b, i)) < 0) return 'invalid';
        continue;
      }
    } else if (c === QUOTE) i = scanString(b, i);
    else if (c === 0x74) i = scanLiteral(b, i, TRUE);
    else if (c === 0x66) i = scanLiteral(b, i, FALSE);
    else if (c === 0x6e) i = scanLiteral(b, i, NULL);
    else if (c === MINUS || isDigit(c)) i = scanNumber(b, i);
    else return 'invalid';
    if (i < 0) return 'invalid';
    // A value ended at i: close containers until one continues with a comma, or the text ends.
    for (;;) {
      i = skipWhitespace(b, i);
      if (depth === 0) {
        if (i !== n) return 'invalid';
        return top === OPEN_ARRAY ? 'array' : top === OPEN_OBJECT ? 'object' : 'scalar';
      }
      const object = inObject[depth - 1] === 1;
      const d = at(b, i);
      if (d === COMMA) {
        i = skipWhitespace(b, i + 1);
        if (object && (i = scanKey(b, i)) < 0) return 'invalid';
        break;
      }
      if (d !== (object ? CLOSE_OBJECT : CLOSE_ARRAY)) return 'invalid';
      depth--;
      i++;
    }
  }
}
