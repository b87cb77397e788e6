import {
  TagClass,
  children,
  content,
  expect,
  explicit,
  is,
  parseDer,
  readBoolean,
  readOid,
  readSmallInt,
  readTime,
  sequence,
} from '../der/reader.ts';
import { ctx, ctxPrim, generalizedTime, int, oid, seq, tlv } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { readGeneralName, type GeneralName } from '../x509/general-name.ts';
import { readMessageImprint, type MessageImprint } from './message-imprint.ts';

/** Accuracy (RFC 3161 §2.4.2): the deviation of genTime around UTC. */
export interface Accuracy {
  readonly seconds?: number;
  readonly millis?: number;
  readonly micros?: number;
}

/** TSTInfo (RFC 3161 §2.4.2), the content a time-stamp token signs. */
export interface TstInfo {
  readonly der: Uint8Array;
  readonly policy: string;
  readonly messageImprint: MessageImprint;
  /** Content octets of the serialNumber INTEGER. */
  readonly serialNumber: Uint8Array;
  readonly genTime: Date;
  readonly accuracy?: Accuracy;
  readonly ordering: boolean;
  readonly nonce?: Uint8Array;
  readonly tsa?: GeneralName;
}

/** What the TSA writes into TSTInfo. */
export interface TstInfoInput {
  readonly policy: string;
  /** The DER MessageImprint copied from the request. */
  readonly messageImprintDer: Uint8Array;
  /** A positive integer, or its big-endian unsigned octets (random bytes will do): written as a DER INTEGER. */
  readonly serialNumber: Uint8Array | bigint;
  readonly genTime: Date;
  readonly accuracy?: Accuracy;
  readonly nonce?: Uint8Array;
  /** DER of a GeneralName naming the TSA (e.g. [4] its subject). */
  readonly tsaName?: Uint8Array;
}

/** GeneralizedTime with milliseconds when they are not zero (RFC 3161 §2.4.2: no trailing zeros). */
function genTimeDer(d: Date): Uint8Array {
  const ms = d.getUTCMilliseconds();
  if (ms === 0) return generalizedTime(d);
  const digits = d.toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const frac = String(ms).padStart(3, '0').replace(/0+$/, '');
  return tlv(0x18, Buffer.from(`${digits}.${frac}Z`, 'latin1'));
}

/** Encodes TSTInfo (RFC 3161 §2.4.2), version 1. */
export function encodeTstInfo(input: TstInfoInput): Uint8Array {
  const a = input.accuracy;
  const accuracy =
    a === undefined
      ? []
      : [
          seq(
            ...(a.seconds === undefined ? [] : [int(a.seconds)]),
            ...(a.millis === undefined ? [] : [ctxPrim(0, int(a.millis).subarray(2))]),
            ...(a.micros === undefined ? [] : [ctxPrim(1, int(a.micros).subarray(2))]),
          ),
        ];
  return seq(
    int(1),
    oid(input.policy),
    input.messageImprintDer,
    // Octets written as given would make a needless leading zero (or a negative serial) and a token that is not DER.
    int(input.serialNumber),
    genTimeDer(input.genTime),
    ...accuracy,
    ...(input.nonce === undefined ? [] : [tlv(0x02, input.nonce)]),
    ...(input.tsaName === undefined ? [] : [ctx(0, input.tsaName)]),
  );
}

function readAccuracy(parts: ReturnType<typeof sequence>): Accuracy {
  const out: { seconds?: number; millis?: number; micros?: number } = {};
  // seconds, [0] millis, [1] micros: each once and in this order, or a repeated one would silently replace the first.
  let last = -1;
  for (const p of parts) {
    const rank = is(p, 0x02) ? 0 : p.cls === TagClass.context && (p.tag === 0 || p.tag === 1) ? p.tag + 1 : 3;
    if (rank <= last) throw new PkiError('MALFORMED', 'Accuracy fields repeated or out of order.');
    last = rank;
    if (is(p, 0x02)) out.seconds = readSmallInt(p, 'accuracy seconds');
    else if (p.cls === TagClass.context && (p.tag === 0 || p.tag === 1)) {
      const b = Uint8Array.from(p.buffer.subarray(p.start, p.end));
      b[0] = 0x02;
      const v = readSmallInt(parseDer(b), 'accuracy');
      if (v < 1 || v > 999) throw new PkiError('MALFORMED', 'Accuracy millis/micros must be 1..999.');
      if (p.tag === 0) out.millis = v;
      else out.micros = v;
    } else throw new PkiError('MALFORMED', 'Unexpected field in Accuracy.');
  }
  return out;
}

/** Reads TSTInfo (RFC 3161 §2.4.2). Throws PkiError MALFORMED. */
export function readTstInfo(der: Uint8Array): TstInfo {
  try {
    const parts = sequence(parseDer(der), 'TSTInfo');
    let i = 0;
    if (readSmallInt(parts[i++], 'TSTInfo version') !== 1) throw new PkiError('MALFORMED', 'TSTInfo version is not 1.');
    const policy = readOid(parts[i++], 'TSTInfo policy');
    const messageImprint = readMessageImprint(parts[i++]);
    const serialNumber = Uint8Array.from(content(expect(parts[i++], 0x02, 'TSTInfo serialNumber')));
    const genNode = expect(parts[i++], 0x18, 'genTime');
    const genTime = readTime(genNode, 'genTime');
    const out: { -readonly [K in keyof TstInfo]?: TstInfo[K] } = {
      der: Uint8Array.from(der),
      policy,
      messageImprint,
      serialNumber,
      genTime,
      ordering: false,
    };
    if (parts[i] !== undefined && is(parts[i]!, 0x10)) out.accuracy = readAccuracy(children(parts[i++]!));
    if (parts[i] !== undefined && is(parts[i]!, 0x01)) out.ordering = readBoolean(parts[i++]!);
    if (parts[i] !== undefined && is(parts[i]!, 0x02)) out.nonce = Uint8Array.from(content(parts[i++]!));
    if (parts[i] !== undefined && is(parts[i]!, 0, TagClass.context)) out.tsa = readGeneralName(explicit(parts[i++]!));
    if (parts[i] !== undefined && is(parts[i]!, 1, TagClass.context)) i++;
    if (i !== parts.length) throw new PkiError('MALFORMED', 'Unexpected field in TSTInfo.');
    return out as TstInfo;
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('MALFORMED', 'TSTInfo could not be parsed.', { cause: e });
  }
}
