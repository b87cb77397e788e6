/**
 * The work one document may cost, scaled to its size: a hostile file is refused with
 * PDF_LIMIT_EXCEEDED naming the limit it broke, after about the work a clean file of its
 * size takes, never after minutes and gigabytes. One {@link PdfBudget} is shared by a
 * document and every revision view of it (`PdfDocument.revisionView`), so verifying a file
 * revision by revision does not multiply the allowance.
 */
import { PdfError } from './errors.ts';

const MIB = 1024 * 1024;

/** Limits of one document; each defaults to a floor or a multiple of the file's size, whichever is larger. */
export interface PdfLimits {
  /**
   * Bytes inflated in all (xref streams, object streams, streams decoded through the
   * document), re-inflations after the cache let a stream go included. Default
   * max(32 MiB, 8 × file size). One stream never inflates beyond 64 MiB whatever this says.
   */
  readonly maxDecodedBytes?: number;
  /** Cross-reference entries in use kept for the document (free entries are not kept). Default max(262,144, file size / 32). */
  readonly maxXrefEntries?: number;
  /**
   * Objects parsed (from the file or from object streams), in the document and all its
   * revision views, re-reads included. Default max(500,000, file size / 16).
   */
  readonly maxObjects?: number;
  /**
   * Values parsed (each object read, array item and dictionary value), weighed by
   * {@link ITEM_COST}, in the document and all its revision views, re-parses included.
   * Default max(1,000,000, file size / 2).
   */
  readonly maxItems?: number;
  /**
   * Bytes of strings and names parsed (decoded), in the document and all its revision views,
   * re-parses included. Default max(32 MiB, 2 × file size). One string never exceeds
   * `MAX_STRING` (8 MiB), one name 256 bytes, whatever this says.
   */
  readonly maxStringBytes?: number;
  /** Form fields (nodes of the AcroForm field tree) one walk visits. Default 20,000. */
  readonly maxFields?: number;
}

/**
 * What a value counts against `maxItems`, about its heap once parsed in units of 50 bytes: a
 * number, name, reference, boolean or null 1; an array 2; a dictionary (a map) or a string
 * (a byte array) 5, even empty.
 */
export const ITEM_COST = { array: 2, dictionary: 5, string: 5 } as const;

/** Floors of the defaults of {@link PdfLimits}. */
export const DEFAULT_LIMITS = {
  decodedBytesFloor: 32 * MIB,
  decodedBytesPerFileByte: 8,
  xrefEntriesFloor: 262_144,
  fileBytesPerXrefEntry: 32,
  objectsFloor: 500_000,
  fileBytesPerObject: 16,
  itemsFloor: 1_000_000,
  fileBytesPerItem: 2,
  stringBytesFloor: 32 * MIB,
  stringBytesPerFileByte: 2,
  fields: 20_000,
} as const;

const n = (v: number): string => v.toLocaleString('en-US');

/** The limits of a file of `size` bytes: the given ones, the rest at their defaults. */
export function resolveLimits(size: number, limits: PdfLimits = {}): Required<PdfLimits> {
  const d = DEFAULT_LIMITS;
  return {
    maxDecodedBytes: limits.maxDecodedBytes ?? Math.max(d.decodedBytesFloor, d.decodedBytesPerFileByte * size),
    maxXrefEntries: limits.maxXrefEntries ?? Math.max(d.xrefEntriesFloor, Math.floor(size / d.fileBytesPerXrefEntry)),
    maxObjects: limits.maxObjects ?? Math.max(d.objectsFloor, Math.floor(size / d.fileBytesPerObject)),
    maxItems: limits.maxItems ?? Math.max(d.itemsFloor, Math.floor(size / d.fileBytesPerItem)),
    maxStringBytes: limits.maxStringBytes ?? Math.max(d.stringBytesFloor, d.stringBytesPerFileByte * size),
    maxFields: limits.maxFields ?? d.fields,
  };
}

/** The work left for one document (and its revision views); each charge beyond a limit is PDF_LIMIT_EXCEEDED. */
export class PdfBudget {
  readonly size: number;
  readonly limits: Required<PdfLimits>;
  private readonly given: PdfLimits;
  decodedBytes = 0;
  xrefEntries = 0;
  objects = 0;
  items = 0;
  stringBytes = 0;

  constructor(size: number, limits: PdfLimits = {}) {
    this.size = size;
    this.given = limits;
    this.limits = resolveLimits(size, limits);
  }

  /** How a limit was set, for messages: "maxDecodedBytes 33,554,432 = max(32 MiB, 8 × file size) for this 8,145-byte file". */
  describe(name: keyof PdfLimits): string {
    const value = `${name} ${n(this.limits[name])}`;
    if (this.given[name] !== undefined) return `${value}, as configured`;
    const d = DEFAULT_LIMITS;
    const rule =
      name === 'maxDecodedBytes'
        ? `max(${d.decodedBytesFloor / MIB} MiB, ${d.decodedBytesPerFileByte} × file size)`
        : name === 'maxXrefEntries'
          ? `max(${n(d.xrefEntriesFloor)}, file size / ${d.fileBytesPerXrefEntry})`
          : name === 'maxObjects'
            ? `max(${n(d.objectsFloor)}, file size / ${d.fileBytesPerObject})`
            : name === 'maxItems'
              ? `max(${n(d.itemsFloor)}, file size / ${d.fileBytesPerItem})`
              : name === 'maxStringBytes'
                ? `max(${d.stringBytesFloor / MIB} MiB, ${d.stringBytesPerFileByte} × file size)`
                : 'the default';
    return name === 'maxFields' ? `${value}, ${rule}` : `${value} = ${rule} for this ${n(this.size)}-byte file`;
  }

  /** Bytes that may still be inflated. */
  get decodedLeft(): number {
    return Math.max(0, this.limits.maxDecodedBytes - this.decodedBytes);
  }

  /** The refusal for inflating beyond the document's budget (`what`: the stream). */
  decodedExceeded(what: string, cause?: unknown): PdfError {
    return new PdfError(
      'PDF_LIMIT_EXCEEDED',
      `Inflating ${what} goes beyond the document's decoded-bytes budget (${n(this.decodedBytes)} bytes already inflated; limit ${this.describe('maxDecodedBytes')}).`,
      cause === undefined ? {} : { cause },
    );
  }

  /** Counts `bytes` inflated. */
  chargeDecoded(bytes: number, what: string): void {
    if (this.decodedBytes + bytes > this.limits.maxDecodedBytes) throw this.decodedExceeded(what);
    this.decodedBytes += bytes;
  }

  /** Counts `count` cross-reference entries in use about to be kept (`where`: the section). */
  chargeXrefEntries(count: number, where: string): void {
    if (this.xrefEntries + count > this.limits.maxXrefEntries)
      throw new PdfError(
        'PDF_LIMIT_EXCEEDED',
        `${where} has ${n(count)} entries to keep (objects in use, runs of free ones)${this.xrefEntries === 0 ? '' : ` besides the ${n(this.xrefEntries)} already kept`}: more than the document may hold (limit ${this.describe('maxXrefEntries')}).`,
      );
    this.xrefEntries += count;
  }

  /** Counts one object parsed. */
  chargeObject(num: number): void {
    if (++this.objects > this.limits.maxObjects)
      throw new PdfError(
        'PDF_LIMIT_EXCEEDED',
        `Reading object ${num} makes more than ${n(this.limits.maxObjects)} objects parsed for this document (limit ${this.describe('maxObjects')}).`,
      );
  }

  /** Counts `count` values parsed, the last one at `offset`. */
  chargeItems(count: number, offset: number): void {
    if ((this.items += count) > this.limits.maxItems)
      throw new PdfError(
        'PDF_LIMIT_EXCEEDED',
        `The value at offset ${offset} makes more than ${n(this.limits.maxItems)} items parsed for this document (a number or name counts 1, an array 2, a dictionary or string 5; limit ${this.describe('maxItems')}).`,
      );
  }

  /** Counts the `bytes` of a string or name parsed at `offset`. */
  chargeStringBytes(bytes: number, offset: number): void {
    if ((this.stringBytes += bytes) > this.limits.maxStringBytes)
      throw new PdfError(
        'PDF_LIMIT_EXCEEDED',
        `The string or name at offset ${offset} makes more than ${n(this.limits.maxStringBytes)} bytes of strings and names parsed for this document (limit ${this.describe('maxStringBytes')}).`,
      );
  }

  /** Fails when a walk has visited more than `maxFields` field nodes. */
  checkFields(visited: number): void {
    if (visited > this.limits.maxFields)
      throw new PdfError(
        'PDF_LIMIT_EXCEEDED',
        `The AcroForm has more than ${n(this.limits.maxFields)} fields (limit ${this.describe('maxFields')}).`,
      );
  }
}
