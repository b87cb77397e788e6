import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { DbLogger } from './logger.ts';
import { listenChanges, splitNotifications } from './pglite-notifications.ts';

const sslRequestCode = 80877103;
const gssEncRequestCode = 80877104;
const cancelRequestCode = 80877102;
const protocolVersion3 = 196608;

/** One client connection and the part of the single PGlite session it believes it owns. */
interface Connection {
  socket: Socket;
  buffer: Buffer;
  /** Messages run one after another, in arrival order. */
  chain: Promise<void>;
  /** Its `search_path`, saved while another connection holds the session. */
  searchPath: string | undefined;
  /** Channels this connection LISTENs to (the session listens on their union). */
  channels: Set<string>;
  /** Until the StartupMessage, messages carry no type byte. */
  started: boolean;
  closed: boolean;
}

/**
 * Serves one PGlite (one Postgres backend in single-user mode) to many `pg` clients over
 * the v3 wire protocol. PGlite has exactly one session, so connections take turns:
 * a connection holds the session from its first message up to the end of the unit
 * (simple Query, or extended-protocol messages up to Sync) and for as long as the session
 * is then inside a transaction block. When the session changes hands, the previous
 * holder's `search_path` is saved and the next one's restored, so every service sees its
 * own schema. Everything else in the session stays shared (see DESIGN notes in index).
 */
export class PgliteMultiplexer {
  readonly #db: PGlite;
  readonly #logger: DbLogger;
  readonly #server: Server;
  readonly #connections = new Set<Connection>();
  #holder: Connection | undefined;
  #sessionOwner: Connection | undefined;
  #waiters: Array<{ conn: Connection; grant: () => void }> = [];
  #defaultSearchPath = '"$user", public';

  constructor(db: PGlite, logger: DbLogger) {
    this.#db = db;
    this.#logger = logger;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  async listen(host: string, port: number): Promise<number> {
    const { rows } = await this.#db.query<{ search_path: string }>('SHOW search_path');
    this.#defaultSearchPath = rows[0]?.search_path ?? this.#defaultSearchPath;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    const address = this.#server.address();
    return typeof address === 'object' && address !== null ? address.port : port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const conn of this.#connections) conn.socket.destroy();
    await Promise.all([...this.#connections].map((c) => c.chain));
    await closed;
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    const conn: Connection = {
      socket,
      buffer: Buffer.alloc(0),
      chain: Promise.resolve(),
      searchPath: undefined,
      channels: new Set(),
      started: false,
      closed: false,
    };
    this.#connections.add(conn);
    socket.on('data', (data) => {
      conn.buffer = Buffer.concat([conn.buffer, data]);
      for (let message = this.#take(conn); message; message = this.#take(conn)) {
        const m = message;
        conn.chain = conn.chain
          .then(() => this.#handle(conn, m))
          .catch((err: unknown) => {
            this.#logger.error({ err }, 'embedded Postgres connection failed');
            socket.destroy();
          });
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      conn.closed = true;
      conn.chain = conn.chain.then(() => this.#disconnect(conn));
    });
  }

  /** Cuts the next complete message off the connection's buffer. */
  #take(conn: Connection): Buffer | undefined {
    const b = conn.buffer;
    if (conn.started ? b.length < 5 : b.length < 8) return undefined;
    const length = conn.started ? 1 + b.readInt32BE(1) : b.readInt32BE(0);
    if (b.length < length) return undefined;
    if (!conn.started && b.readInt32BE(4) === protocolVersion3) conn.started = true;
    conn.buffer = b.subarray(length);
    return Buffer.from(b.subarray(0, length));
  }

  async #handle(conn: Connection, message: Buffer): Promise<void> {
    if (conn.closed) return;
    const untyped = message[0] === 0 && message.length >= 8 && isUntyped(message.readInt32BE(4));
    if (untyped) {
      const code = message.readInt32BE(4);
      if (code === sslRequestCode || code === gssEncRequestCode) conn.socket.write('N');
      if (code !== protocolVersion3) return; // CancelRequest: PGlite has no backend to signal.
    } else if (message[0] === 0x58) {
      conn.socket.end(); // Terminate: the session itself lives on.
      return;
    }
    await this.#acquire(conn);
    if (conn.closed) return; // #disconnect ends what it left open and passes the session on.
    for (const change of listenChanges(message)) {
      if (!change.listen && change.channel === '*') conn.channels.clear();
      else if (change.listen) conn.channels.add(change.channel);
      else conn.channels.delete(change.channel);
    }
    try {
      const chunks: Uint8Array[] = [];
      await this.#db.runExclusive(() =>
        this.#db.execProtocolRawStream(new Uint8Array(message), { onRawData: (data) => chunks.push(data.slice()) }),
      );
      const { rest, notifications } = splitNotifications(Buffer.concat(chunks));
      if (rest.length > 0 && !conn.closed) conn.socket.write(rest);
      for (const { channel, raw } of notifications) {
        for (const other of this.#connections) {
          if (!other.closed && other.channels.has(channel)) other.socket.write(raw);
        }
      }
    } finally {
      // A unit ends at Query ('Q') or Sync ('S'); the session stays ours inside a transaction block.
      const endsUnit = untyped || message[0] === 0x51 || message[0] === 0x53;
      if (endsUnit && !this.#db.isInTransaction()) this.#release(conn);
    }
  }

  async #acquire(conn: Connection): Promise<void> {
    if (this.#holder !== conn) {
      if (this.#holder !== undefined) {
        await new Promise<void>((grant) => this.#waiters.push({ conn, grant }));
      }
      this.#holder = conn;
    }
    if (this.#sessionOwner === conn) return;
    const previous = this.#sessionOwner;
    const { rows } = await this.#db.query<{ search_path: string }>('SHOW search_path');
    const current = rows[0]?.search_path ?? this.#defaultSearchPath;
    if (previous) previous.searchPath = current;
    const wanted = conn.searchPath ?? this.#defaultSearchPath;
    if (wanted !== current) await this.#db.exec(`SET search_path TO ${wanted}`);
    this.#sessionOwner = conn;
  }

  #release(conn: Connection): void {
    if (this.#holder !== conn) return;
    this.#holder = undefined;
    const next = this.#waiters.shift();
    if (next) {
      this.#holder = next.conn;
      next.grant();
    }
  }

  async #disconnect(conn: Connection): Promise<void> {
    this.#connections.delete(conn);
    if (this.#sessionOwner === conn) this.#sessionOwner = undefined;
    if (this.#holder === conn) {
      // The client left inside a transaction (or mid extended-protocol unit): end it for the others.
      if (this.#db.isInTransaction()) await this.#db.exec('ROLLBACK');
      await this.#db.exec('SET search_path TO DEFAULT').catch(() => undefined);
      this.#release(conn);
    }
  }
}

function isUntyped(code: number): boolean {
  return (
    code === protocolVersion3 || code === sslRequestCode || code === gssEncRequestCode || code === cancelRequestCode
  );
}
