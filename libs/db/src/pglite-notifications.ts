/**
 * LISTEN/NOTIFY for connections that share one PGlite session. Postgres hands a
 * NotificationResponse ('A', PostgreSQL protocol §55.7) to the session, which PGlite
 * writes into the output of whatever statement is running; these helpers let the
 * multiplexer route it to the connections that asked for the channel instead.
 */

const statementListen = /(?:^|;)\s*(UN)?LISTEN\s+("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*|\*)/gi;

/** A LISTEN or UNLISTEN found in a simple Query ('Q') or Parse ('P') message. */
export interface ListenChange {
  listen: boolean;
  /** Channel as Postgres names it; `*` for UNLISTEN *. */
  channel: string;
}

function cstring(message: Buffer, start: number): { text: string; end: number } {
  const end = message.indexOf(0, start);
  const stop = end === -1 ? message.length : end;
  return { text: message.toString('utf8', start, stop), end: stop + 1 };
}

function channelName(token: string): string {
  return token.startsWith('"') ? token.slice(1, -1).replaceAll('""', '"') : token.toLowerCase();
}

/** The LISTEN/UNLISTEN statements a client message carries, in order. */
export function listenChanges(message: Buffer): ListenChange[] {
  let sql: string;
  if (message[0] === 0x51) sql = cstring(message, 5).text;
  else if (message[0] === 0x50) sql = cstring(message, cstring(message, 5).end).text;
  else return [];
  if (!/LISTEN/i.test(sql)) return [];
  return [...sql.matchAll(statementListen)].map((m) => ({ listen: m[1] === undefined, channel: channelName(m[2]!) }));
}

/** Splits backend output into notifications (with their channel) and everything else. */
export function splitNotifications(output: Buffer): {
  rest: Buffer;
  notifications: Array<{ channel: string; raw: Buffer }>;
} {
  const notifications: Array<{ channel: string; raw: Buffer }> = [];
  const rest: Buffer[] = [];
  let offset = 0;
  while (offset + 5 <= output.length) {
    const length = 1 + output.readInt32BE(offset + 1);
    const raw = output.subarray(offset, offset + length);
    if (raw[0] === 0x41) notifications.push({ channel: cstring(raw, 9).text, raw: Buffer.from(raw) });
    else rest.push(raw);
    offset += length;
  }
  if (offset < output.length) rest.push(output.subarray(offset));
  return { rest: Buffer.concat(rest), notifications };
}
