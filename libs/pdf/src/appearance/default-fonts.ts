import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Regular and bold Noto Sans (SIL OFL 1.1), which cover Vietnamese precomposed letters. */
export interface DefaultFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

/**
 * Reads Noto Sans Regular and Bold from the `@expo-google-fonts/noto-sans`
 * package. The one place of `src/appearance` that touches the disk; call it
 * once at start and pass the bytes to the appearance builders.
 */
export function loadDefaultFonts(): DefaultFonts {
  const read = (file: string): Uint8Array =>
    new Uint8Array(readFileSync(fileURLToPath(import.meta.resolve(`@expo-google-fonts/noto-sans/${file}`))));
  return {
    regular: read('400Regular/NotoSans_400Regular.ttf'),
    bold: read('700Bold/NotoSans_700Bold.ttf'),
  };
}
