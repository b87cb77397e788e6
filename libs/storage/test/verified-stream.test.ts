import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { isStorageError, verifiedStream } from '../src/index.ts';

const bytes = Buffer.from('the archived original, byte for byte');
const sha256 = createHash('sha256').update(bytes).digest('hex');

async function read(chunks: Buffer[], expected: { sha256: string; byteLength: number }) {
  const checked = verifiedStream(expected);
  const out: Buffer[] = [];
  try {
    await pipeline(Readable.from(chunks), checked.stream, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    });
    return { out: Buffer.concat(out), error: undefined, verified: checked.verified() };
  } catch (error) {
    return { out: Buffer.concat(out), error, verified: checked.verified() };
  }
}

void t.test('the bytes recorded pass whole and verified', async (t) => {
  const r = await read([bytes.subarray(0, 10), bytes.subarray(10)], { sha256, byteLength: bytes.length });
  t.equal(r.error, undefined);
  t.ok(r.verified);
  t.same(r.out, bytes);
});

void t.test('a changed byte fails at the end and the last chunk is never passed on', async (t) => {
  const changed = Buffer.from(bytes);
  changed[20] = changed[20]! ^ 1;
  const r = await read([changed.subarray(0, 10), changed.subarray(10)], { sha256, byteLength: bytes.length });
  t.ok(isStorageError(r.error, 'CHECKSUM_MISMATCH'));
  t.notOk(r.verified);
  t.ok(r.out.length < bytes.length, 'the reader never had the whole object');
});

void t.test('a longer object fails as soon as it is longer, a shorter one at the end', async (t) => {
  const longer = await read([bytes, Buffer.from('x')], { sha256, byteLength: bytes.length });
  t.ok(isStorageError(longer.error, 'CHECKSUM_MISMATCH'));
  const shorter = await read([bytes.subarray(0, 5)], { sha256, byteLength: bytes.length });
  t.ok(isStorageError(shorter.error, 'CHECKSUM_MISMATCH'));
  t.equal(shorter.out.length, 0);
});

void t.test("the caller's error is the one thrown", async (t) => {
  const checked = verifiedStream({ sha256, byteLength: 1 }, (detail) => new RangeError(`mine: ${detail}`));
  await t.rejects(
    pipeline(Readable.from([bytes]), checked.stream, async (s: AsyncIterable<Buffer>) => {
      for await (const _ of s);
    }),
    RangeError,
  );
});
