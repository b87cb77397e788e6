import { extname } from 'node:path';
import type { SignatureFieldOptions } from '@lienthong/pades';
import { signatureAppearance, vietnameseFonts, type SignatureLine } from '@lienthong/pdf';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { readInput } from './files.ts';

/** What `--appearance` describes (JSON, inline or in a file). */
export interface AppearanceSpec {
  /** 1-based page of a new widget (default 1). */
  readonly page: number;
  /** [x1, y1, x2, y2] in points, origin at the page's lower left. */
  readonly rect: readonly [number, number, number, number];
  readonly lines: readonly SignatureLine[];
  readonly image?: { readonly bytes: Uint8Array; readonly type: 'png' | 'jpeg' };
  readonly layout?: 'image-left' | 'image-behind';
}

const DEFAULT_RECT = [350, 80, 550, 150] as const;

function bad(detail: string): never {
  throw new CliError('BAD_APPEARANCE', `--appearance: ${detail}`);
}

function line(value: unknown, where: string, bold: boolean): SignatureLine {
  if (typeof value === 'string') return { text: value, bold };
  if (typeof value !== 'object' || value === null || typeof (value as { text?: unknown }).text !== 'string')
    bad(`${where} must be a string or { "text": …, "bold"?: true, "size"?: N }.`);
  const v = value as { text: string; bold?: unknown; size?: unknown };
  if (v.size !== undefined && (typeof v.size !== 'number' || !(v.size > 0)))
    bad(`${where}.size must be a positive number.`);
  return { text: v.text, bold: v.bold === true, ...(typeof v.size === 'number' ? { size: v.size } : {}) };
}

function imageOf(io: CliIo, path: unknown): AppearanceSpec['image'] {
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || path === '') bad('"image" must be the path of a PNG or JPEG file.');
  const bytes = readInput(io, path);
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if (!png && !jpeg) bad(`${path}: not a PNG or JPEG image${extname(path) === '' ? '' : ` (${extname(path)})`}.`);
  return { bytes, type: png ? 'png' : 'jpeg' };
}

/**
 * Reads `--appearance`: inline JSON (starting with `{`) or a JSON file with
 * `page` (1-based), `rect` [x1, y1, x2, y2], `lines` (strings or
 * { text, bold, size }) or `authority` / `title` / `name` ("K/T BÍ THƯ",
 * "PHÓ BÍ THƯ", the signer), an optional seal `image` (PNG or JPEG file) and
 * `layout` (image-left, image-behind).
 */
export function readAppearanceSpec(io: CliIo, value: string): AppearanceSpec {
  const text = value.trimStart().startsWith('{') ? value : Buffer.from(readInput(io, value)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    bad(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) bad('expected a JSON object.');
  const o = json as Record<string, unknown>;
  const known = new Set(['page', 'rect', 'lines', 'authority', 'title', 'name', 'image', 'layout']);
  const unknown = Object.keys(o).find((k) => !known.has(k));
  if (unknown !== undefined) bad(`unknown key "${unknown}" (known: ${[...known].join(', ')}).`);
  const page = o.page ?? 1;
  if (typeof page !== 'number' || !Number.isInteger(page) || page < 1) bad('"page" must be a page number from 1.');
  const rect = o.rect ?? DEFAULT_RECT;
  if (
    !Array.isArray(rect) ||
    rect.length !== 4 ||
    !rect.every((n) => typeof n === 'number' && Number.isFinite(n)) ||
    rect[2] <= rect[0] ||
    rect[3] <= rect[1]
  )
    bad('"rect" must be [x1, y1, x2, y2] with x2 > x1 and y2 > y1 (points).');
  let lines: SignatureLine[];
  if (o.lines !== undefined) {
    if (!Array.isArray(o.lines)) bad('"lines" must be an array.');
    lines = o.lines.map((l: unknown, i) => line(l, `lines[${i}]`, false));
  } else {
    lines = (['authority', 'title', 'name'] as const).filter((k) => o[k] !== undefined).map((k) => line(o[k], k, true));
  }
  if (o.layout !== undefined && o.layout !== 'image-left' && o.layout !== 'image-behind')
    bad('"layout" must be "image-left" or "image-behind".');
  const image = imageOf(io, o.image);
  if (lines.length === 0 && image === undefined) bad('give "lines" (or "authority", "title", "name") or an "image".');
  return {
    page,
    rect: rect as unknown as AppearanceSpec['rect'],
    lines,
    ...(image === undefined ? {} : { image }),
    ...(o.layout === undefined ? {} : { layout: o.layout }),
  };
}

/** The signature widget options of a spec: page, position and the builder of its appearance (Vietnamese fonts). */
export function visibleSignature(spec: AppearanceSpec): Pick<SignatureFieldOptions, 'page' | 'visible'> {
  const [x1, y1, x2, y2] = spec.rect;
  return {
    page: spec.page - 1,
    visible: {
      x: x1,
      y: y1,
      appearance: (alloc) =>
        signatureAppearance(
          {
            width: x2 - x1,
            height: y2 - y1,
            lines: spec.lines,
            ...(spec.image === undefined ? {} : { image: spec.image }),
            ...(spec.layout === undefined ? {} : { layout: spec.layout }),
          },
          vietnameseFonts(),
          alloc,
        ),
    },
  };
}
