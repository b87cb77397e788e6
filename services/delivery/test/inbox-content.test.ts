/**
 * `GET /v1/inbox/{id}/content` on the real MinIO: a large PDF streams through without
 * memory growing with its size, the SHA-256 is checked on the way (bytes that do not match
 * never arrive whole, and nothing is handed over), the first complete fetch is recorded as
 * handed over once; a missing object is a 503 problem.
 */
import t from 'tap';
import type { Test } from 'tap';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedData,
  issuedEnvelope,
  pdfBytes,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const d = await deliveryForFile(t, { objects: 'minio' });
const { app, pool } = d;
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const office = callerOf('HU-A1', 'office-system');

const entryOf = async (documentId: string): Promise<string> => {
  await waitForConsigned(pool, documentId, 1);
  const { rows } = await pool.query<{ id: string }>(
    "SELECT l.id FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1 AND l.recipient = 'HU-A1'",
    [documentId],
  );
  return rows[0]!.id;
};
const handedOver = async (id: string) =>
  (
    await pool.query<{ at: Date | null; n: string }>(
      "SELECT l.handed_over_at AS at, (SELECT count(*) FROM leg_event e WHERE e.leg_id = l.id AND e.event = 'handed-over') AS n FROM delivery_leg l WHERE l.id = $1",
      [id],
    )
  ).rows[0]!;

/**
 * A document whose bytes do not match: a 502 problem when the check fails before the first
 * byte went out, else a 200 whose body is cut short — never the complete bytes.
 */
async function refusedOrCut(t: Test, res: Response): Promise<void> {
  if (res.status === 200) {
    await t.rejects(res.arrayBuffer(), 'the answer is cut short');
  } else {
    t.equal(res.status, 502);
    t.match(await res.json(), { code: 'CONTENT_INTEGRITY_FAILED' });
  }
}

await t.test('a large document streams through, checked, handed over once', async (t) => {
  const bytes = 96 * 1024 * 1024;
  // Streamed into MinIO from a generator, so the test itself holds no copy either.
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(1024 * 1024, 7);
  chunk.write('%PDF-1.7\n', 0);
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < bytes / chunk.length; i++) {
        hash.update(chunk);
        yield chunk;
      }
    })(),
  );
  const data0 = issuedData(d.bucket, ['HU-A1'], { sha256: '0'.repeat(64), byteLength: bytes });
  const put = await d.store.put(d.bucket, data0.file.object.key, source, { contentType: 'application/pdf' });
  const data = {
    ...data0,
    file: { ...data0.file, sha256: hash.digest('hex'), object: { ...data0.file.object, versionId: put.versionId } },
  };
  await publishIssued(d, issuedEnvelope(data));
  const id = await entryOf(data.documentId);

  // Count what leaves the object store (a spy on the real MinIO client, not a stand-in).
  let pulled = 0;
  const get = d.store.get.bind(d.store);
  d.store.get = async (...args) => {
    const answer = await get(...args);
    answer.body.on('data', (part: Buffer) => (pulled += part.length));
    return answer;
  };
  t.teardown(() => {
    d.store.get = get;
  });
  const res = await fetch(`${base}/v1/inbox/${id}/content`, { headers: office });
  t.equal(res.status, 200);
  t.equal(res.headers.get('content-type'), 'application/pdf');
  t.equal(res.headers.get('content-length'), String(bytes));
  t.equal(res.headers.get('etag'), `"${data.file.sha256}"`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const got = createHash('sha256');
  const opening = await reader.read();
  const head = opening.value ?? new Uint8Array();
  got.update(head);
  let length = head.length;
  // The reader stops: the server must stop too once the buffers between are full.
  let seen = -1;
  while (seen !== pulled) {
    seen = pulled;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  t.ok(
    pulled < 32 * 1024 * 1024,
    `the server read ${Math.round(pulled / 2 ** 20)} MB of 96 MB ahead of a stalled reader`,
  );
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    got.update(value);
    length += value.length;
  }
  t.equal(length, bytes);
  t.equal(got.digest('hex'), data.file.sha256, 'the bytes as issued');
  await t.resolves(
    (async () => {
      for (let i = 0; i < 100 && (await handedOver(id)).at === null; i++) await new Promise((r) => setTimeout(r, 20));
    })(),
  );
  const first = await handedOver(id);
  t.ok(first.at, 'handed over');
  const again = await fetch(`${base}/v1/inbox/${id}/content`, { headers: office });
  await again.arrayBuffer();
  const second = await handedOver(id);
  t.same(second.at, first.at, 'the first fetch is the hand-over');
  t.equal(second.n, '1', 'recorded once');
});

await t.test('bytes that do not match never arrive whole; nothing is handed over', async (t) => {
  const pdf = pdfBytes(300_000);
  const data = issuedData(d.bucket, ['HU-A1'], { sha256: pdf.sha256, byteLength: 300_000 });
  const tampered = Buffer.from(pdf.body);
  tampered[200_000] = tampered[200_000]! ^ 1;
  await d.store.put(d.bucket, data.file.object.key, tampered);
  await publishIssued(d, issuedEnvelope(data));
  const id = await entryOf(data.documentId);
  await refusedOrCut(t, await fetch(`${base}/v1/inbox/${id}/content`, { headers: office }));
  t.equal((await handedOver(id)).at, null, 'not handed over');

  const shorter = issuedData(d.bucket, ['HU-A1'], { sha256: pdf.sha256, byteLength: 300_000 });
  await d.store.put(d.bucket, shorter.file.object.key, pdf.body.subarray(0, 1000));
  await publishIssued(d, issuedEnvelope(shorter));
  const shortId = await entryOf(shorter.documentId);
  await refusedOrCut(t, await fetch(`${base}/v1/inbox/${shortId}/content`, { headers: office }));
  t.equal((await handedOver(shortId)).at, null, 'not handed over');
});

await t.test('a missing object is 503 CONTENT_UNAVAILABLE', async (t) => {
  const data = issuedData(d.bucket, ['HU-A1'], { sha256: 'a'.repeat(64), byteLength: 10 });
  await publishIssued(d, issuedEnvelope(data));
  const res = await fetch(`${base}/v1/inbox/${await entryOf(data.documentId)}/content`, { headers: office });
  t.equal(res.status, 503);
  t.match(res.headers.get('content-type'), /problem\+json/);
  t.match(await res.json(), { code: 'CONTENT_UNAVAILABLE' });
});

await t.test("another office's content is 404", async (t) => {
  const data = await issueDocument(d, ['HU-B1']);
  await publishIssued(d, issuedEnvelope(data));
  await waitForConsigned(pool, data.documentId, 1);
  const { rows } = await pool.query<{ id: string }>(
    'SELECT l.id FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1',
    [data.documentId],
  );
  const res = await fetch(`${base}/v1/inbox/${rows[0]!.id}/content`, { headers: office });
  t.equal(res.status, 404);
});
