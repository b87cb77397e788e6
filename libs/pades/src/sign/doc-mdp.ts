import { type PdfDocument, isArray, isDict, isInteger, isName } from '@lienthong/pdf';

/**
 * The DocMDP permission of a certified document (ISO 32000-1 §12.8.2.2):
 * /P of the certification signature that the catalog's /Perms /DocMDP names
 * (1 no changes, 2 form filling and signing, 3 also annotations), or
 * undefined when the document is not certified. A missing /P means 2.
 */
export async function docMdpPermission(doc: PdfDocument): Promise<1 | 2 | 3 | undefined> {
  const { dict: catalog } = await doc.catalog();
  const perms = await doc.resolveDict(catalog.entries.get('Perms'));
  const sig = await doc.resolveDict(perms?.entries.get('DocMDP'));
  if (sig === undefined) return undefined;
  const refs = await doc.resolve(sig.entries.get('Reference'));
  for (const r of isArray(refs) ? refs.items : []) {
    const ref = await doc.resolveDict(r);
    if (ref === undefined || !isName(ref.entries.get('TransformMethod'), 'DocMDP')) continue;
    const params = await doc.resolve(ref.entries.get('TransformParams'));
    const p = isDict(params) ? params.entries.get('P') : undefined;
    return isInteger(p) && (p === 1 || p === 3) ? p : 2;
  }
  return 2;
}
