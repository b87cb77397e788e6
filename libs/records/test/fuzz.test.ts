/**
 * The validators never throw: generated values (good ones spoiled field by field, random
 * JSON, `__proto__` keys from JSON.parse) always come back as a value or as problems
 * with pointers that exist.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import t from 'tap';
import {
  DocumentMetadataSchema,
  eventDefinitions,
  validateDocumentMetadata,
  validateEventData,
  type EventDefinition,
} from '../src/index.ts';
import { good, samples, shown } from './samples.ts';

/** mulberry32, seeded so a failure can be replayed. */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(0xdecaf);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const hostileStrings = [
  '',
  ' ',
  'Đ',
  'D',
  'Ð',
  '\u0000',
  '\u202e',
  '\u2028',
  '\ud800',
  'e\u0301',
  'x'.repeat(2000),
  '01',
  'T/M',
  '__proto__',
];

function randomValue(depth = 0): unknown {
  const kind = Math.floor(random() * (depth > 3 ? 5 : 7));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return pick([true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, 1e308]);
    case 2:
    case 3:
    case 4:
      return pick(hostileStrings) + pick(hostileStrings);
    case 5:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
    default: {
      const keys = [
        'type',
        'subject',
        'recipients',
        'offices',
        'groups',
        'signer',
        'authority',
        'deadline',
        '__proto__',
        'constructor',
      ];
      const object: Record<string, unknown> = {};
      // As JSON.parse makes them: own properties, "__proto__" included, never a prototype.
      for (let i = Math.floor(random() * 4); i > 0; i--) {
        Object.defineProperty(object, pick(keys), {
          value: randomValue(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    }
  }
}

/** `value` with one field (at any depth) replaced by a random value. */
function spoil(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return randomValue();
  const copy: Record<string, unknown> = Array.isArray(value)
    ? ([...(value as unknown[])] as unknown as Record<string, unknown>)
    : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0 || random() < 0.2) return randomValue();
  const key = pick(keys);
  Object.defineProperty(copy, key, {
    value: random() < 0.5 ? spoil(copy[key]) : randomValue(),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

function pointerExists(root: unknown, pointer: string): boolean {
  if (pointer === '') return true;
  const segments = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  let node: unknown = root;
  for (const [i, segment] of segments.entries()) {
    if (node === null || typeof node !== 'object') return false;
    // The last segment may name a property that is missing ("is required").
    if (!Object.hasOwn(node, segment)) return i === segments.length - 1;
    node = (node as Record<string, unknown>)[segment];
  }
  return true;
}

void t.test('validateDocumentMetadata never throws and points only at real places', async (t) => {
  let refused = 0;
  for (let i = 0; i < 3000; i++) {
    const value = i % 3 === 0 ? randomValue() : spoil(good());
    let result;
    try {
      result = validateDocumentMetadata(value);
    } catch (e) {
      t.fail(`threw ${String(e)} on ${shown(value).slice(0, 200)}`);
      continue;
    }
    if (!result.ok) {
      refused++;
      for (const p of result.problems) {
        if (!pointerExists(value, p.pointer)) t.fail(`${p.pointer} is not in ${shown(value).slice(0, 200)}`);
        if (p.message.length === 0) t.fail('an empty message');
      }
    }
  }
  t.ok(refused > 2000, `${refused} of 3000 refused`);
});

void t.test('validateEventData never throws, for every event', async (t) => {
  const parsed = JSON.parse('{"__proto__": {"polluted": true}, "type": "CT"}') as unknown;
  t.notOk(validateDocumentMetadata(parsed).ok);
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  for (const d of Object.values(eventDefinitions) as unknown as EventDefinition[]) {
    for (let i = 0; i < 300; i++) {
      const data = spoil(samples[d.type]);
      try {
        const r = validateEventData(d.type, d.version, data);
        if (!r.ok) for (const p of r.problems) if (!pointerExists(data, p.pointer)) t.fail(`${d.type}: ${p.pointer}`);
      } catch (e) {
        t.fail(`${d.type} threw ${String(e)} on ${shown(data).slice(0, 200)}`);
      }
    }
  }
  t.pass('no throw');
});

void t.test('the compiled check passes exactly the values the error walk finds nothing in', async (t) => {
  // schemaProblems answers [] when the compiled check passes, without walking for errors.
  const schemas: [string, TSchema, unknown][] = [
    ['metadata', DocumentMetadataSchema, good()],
    ...(Object.values(eventDefinitions) as unknown as EventDefinition[]).map((d): [string, TSchema, unknown] => [
      d.type,
      d.schema,
      samples[d.type],
    ]),
  ];
  let passed = 0;
  for (const [name, schema, sample] of schemas) {
    const check = TypeCompiler.Compile(schema);
    for (let i = 0; i < 300; i++) {
      const value = i % 10 === 0 ? sample : spoil(sample);
      const walked = Value.Errors(schema, value).First() === undefined;
      if (check.Check(value) !== walked)
        t.fail(`${name}: the check says ${String(!walked)} on ${shown(value).slice(0, 200)}`);
      if (walked) passed++;
    }
  }
  t.ok(passed > schemas.length * 30, `${passed} values passed both`);
});
