/**
 * `GET /v1/inbox/stream`: a new document of the caller's office arrives as an event (and
 * another office's does not); Last-Event-ID resumes without a gap; heartbeats keep the line
 * open; a bad Last-Event-ID is a 400 problem; closing the app ends the stream cleanly.
 */
import t from 'tap';
import type { AddressInfo } from 'node:net';
import { callerOf, deliveryForFile, issueDocument, issuedEnvelope, publishIssued } from './support.ts';

const d = await deliveryForFile(t, { streamHeartbeatMs: 100 });
const { app } = d;
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const office = callerOf('HU-A1', 'office-system');

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads server-sent events from `res` one at a time. */
function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next(): Promise<SseEvent | undefined> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) event.comment = line.slice(1).trim();
            else {
              const at = line.indexOf(': ');
              const field = line.slice(0, at) as 'id' | 'event' | 'data';
              if (['id', 'event', 'data'].includes(field)) event[field] = line.slice(at + 2);
            }
          }
          return event;
        }
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffer += value;
      }
    },
    /** The next `document` event, skipping heartbeats. */
    async document(): Promise<SseEvent & { entry: { documentId: string } }> {
      for (;;) {
        const event = await this.next();
        if (event === undefined) throw new Error('the stream ended');
        if (event.event === 'document') return { ...event, entry: JSON.parse(event.data!) as { documentId: string } };
      }
    },
    cancel: () => reader.cancel(),
  };
}

const open = (headers: Record<string, string> = {}, query = '') =>
  fetch(`${base}/v1/inbox/stream${query}`, { headers: { ...office, ...headers } });

await t.test('a new document arrives; heartbeats meanwhile; resumed from Last-Event-ID', async (t) => {
  const res = await open();
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^text\/event-stream/);
  const stream = sseReader(res);
  const elsewhere = await issueDocument(d, ['HU-B1']);
  await publishIssued(d, issuedEnvelope(elsewhere));
  const first = await issueDocument(d, ['HU-A1', 'HU-B1']);
  await publishIssued(d, issuedEnvelope(first));
  const got = await stream.document();
  t.equal(got.entry.documentId, first.documentId, 'only the office’s own document');
  let heartbeat = await stream.next();
  while (heartbeat?.comment !== 'heartbeat') heartbeat = await stream.next();
  t.equal(heartbeat?.comment, 'heartbeat');
  await stream.cancel();

  // Missed while disconnected: resumed from the last id seen.
  const second = await issueDocument(d, ['HU-A1']);
  await publishIssued(d, issuedEnvelope(second));
  const resumed = sseReader(await open({ 'last-event-id': got.id! }));
  t.equal((await resumed.document()).entry.documentId, second.documentId);
  await resumed.cancel();
  const all = sseReader(await open({}, '?after=0'));
  t.same(
    [(await all.document()).entry.documentId, (await all.document()).entry.documentId],
    [first.documentId, second.documentId],
  );
  await all.cancel();
});

await t.test('bad positions and callers: problem+json', async (t) => {
  for (const [headers, query, status] of [
    [{ 'last-event-id': 'abc' }, '', 400],
    [{ 'last-event-id': '-1' }, '', 400],
    [{}, '?after=x', 400],
    [{}, '?office=HU-B1', 400],
    [{ authorization: '' }, '', 401],
    [callerOf('HU-A1', 'signer'), '', 403],
  ] as const) {
    const res = await open(headers, query);
    t.equal(res.status, status, `${JSON.stringify(headers)} ${query}`);
    t.match(res.headers.get('content-type'), /problem\+json/);
  }
});

await t.test('closing the app ends an open stream cleanly', async (t) => {
  const stream = sseReader(await open());
  const closing = app.close();
  for (;;) {
    const event = await stream.next();
    if (event === undefined) break;
  }
  await closing;
  t.pass('the stream ended and the app closed');
});
