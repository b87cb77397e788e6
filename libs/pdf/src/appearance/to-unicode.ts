/**
 * A ToUnicode CMap (ISO 32000-1 §9.10.3; Adobe TN 5411) mapping two-byte
 * CIDs to the Unicode text they stand for, so that text drawn with a
 * subset Identity-H font can be searched and copied.
 */
export function buildToUnicodeCMap(map: ReadonlyMap<number, string>): Uint8Array {
  const entries = [...map.entries()].sort((a, b) => a[0] - b[0]);
  const lines: string[] = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
  ];
  // At most 100 mappings per bfchar block (TN 5411 §1.4.1 limit).
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    lines.push(`${block.length} beginbfchar`);
    for (const [cid, text] of block) lines.push(`<${hex(cid)}> <${utf16Hex(text)}>`);
    lines.push('endbfchar');
  }
  lines.push('endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end');
  return new TextEncoder().encode(lines.join('\n'));
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

function utf16Hex(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += hex(text.charCodeAt(i));
  return out;
}
