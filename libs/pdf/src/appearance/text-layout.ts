import { AppearanceError } from './errors.ts';
import { measureText, type FontProgram } from './font-program.ts';

/** Line height as a multiple of the font size: room for Vietnamese stacked marks (Ễ, Ổ) above caps. */
export const LEADING = 1.35;
/** Where the baseline sits above the bottom of its line box, as a multiple of the font size. */
export const BASELINE_RISE = 0.32;

/** One laid-out line: its text, font, size and advance width. */
export interface LaidOutLine {
  text: string;
  program: FontProgram;
  size: number;
  width: number;
  /** The index of the input line it came from. */
  source: number;
}

/** A text to lay out: already NFC-normalized and checked. */
export interface LayoutInput {
  text: string;
  program: FontProgram;
  size: number;
}

/**
 * Breaks a text into lines no wider than `maxWidth` at `size` points:
 * greedy at spaces; a word wider than the line is broken between
 * characters. Spaces at the breaks are dropped.
 */
export function wrapText(program: FontProgram, text: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (measureText(program, candidate, size) <= maxWidth) {
      current = candidate;
      continue;
    }
    if (current !== '') lines.push(current);
    current = '';
    if (measureText(program, word, size) <= maxWidth) {
      current = word;
      continue;
    }
    for (const ch of word) {
      if (current !== '' && measureText(program, current + ch, size) > maxWidth) {
        lines.push(current);
        current = '';
      }
      current += ch;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

/** Shrinking down to this fraction of the asked sizes is preferred to wrapping (a name stays on one line). */
export const SHRINK_BEFORE_WRAP = 0.8;

/**
 * Fits the inputs in the box, all sizes scaled together in steps of 5%:
 * first on one line each, shrinking to {@link SHRINK_BEFORE_WRAP} of the
 * asked sizes at most; then (when `wrap`) wrapped to `maxWidth` and
 * shrinking down to `minSize`. Fails with TEXT_DOES_NOT_FIT when even
 * `minSize` does not fit.
 */
export function fitLines(
  inputs: readonly LayoutInput[],
  maxWidth: number,
  maxHeight: number,
  minSize: number,
  wrap = true,
): LaidOutLine[] {
  const smallest = Math.min(...inputs.map((i) => i.size));
  const floor = wrap ? Math.max(minSize, smallest * SHRINK_BEFORE_WRAP) : minSize;
  return (
    tryScales(inputs, maxWidth, maxHeight, smallest, floor, false) ??
    (wrap ? tryScales(inputs, maxWidth, maxHeight, smallest, minSize, true) : undefined) ??
    fail(inputs.length, maxWidth, maxHeight, minSize)
  );
}

function tryScales(
  inputs: readonly LayoutInput[],
  maxWidth: number,
  maxHeight: number,
  smallest: number,
  floor: number,
  wrap: boolean,
): LaidOutLine[] | undefined {
  // The asked sizes are always tried, even when below the floor.
  for (let k = 1; k === 1 || smallest * k >= floor - 1e-9; k *= 0.95) {
    const out: LaidOutLine[] = [];
    let height = 0;
    let fits = true;
    inputs.forEach((input, source) => {
      // Hundredths of a point, so /DA and the content stream say the same size.
      const size = Math.floor(input.size * k * 100) / 100;
      for (const text of wrap ? wrapText(input.program, input.text, size, maxWidth) : [input.text]) {
        const width = measureText(input.program, text, size);
        if (width > maxWidth + 1e-6) fits = false;
        out.push({ text, program: input.program, size, width, source });
        height += size * LEADING;
      }
    });
    if (fits && height <= maxHeight + 1e-6) return out;
  }
  return undefined;
}

function fail(count: number, maxWidth: number, maxHeight: number, minSize: number): never {
  throw new AppearanceError(
    'TEXT_DOES_NOT_FIT',
    `The ${count} line(s) do not fit ${Math.round(maxWidth)}x${Math.round(maxHeight)} pt at ${minSize} pt or more.`,
  );
}
