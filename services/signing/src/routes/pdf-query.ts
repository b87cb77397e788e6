/**
 * The query of the routes that sign a PDF: where a visible signature block goes and what
 * it says, read into the request the signing services take.
 */
import { Type } from '@lienthong/service';
import type { VisibleQuery } from '../signing/signature-block.ts';

/** A non-blank text parameter of at most `maxLength` characters. */
export const text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

/** The query of a visible signature block, shared by the routes that sign a PDF. */
export const visibleBlockQuery = {
  visible: Type.Boolean({
    default: false,
    description:
      "draw a visible signature block (also when line is given): the lines, the signing time and the key's image (a seal under the text; a handwritten signature at the left)",
  }),
  line: Type.Optional(
    Type.Array(text(120), {
      minItems: 1,
      maxItems: 6,
      description:
        "the visible block's lines, one each: authority form (K/T BÍ THƯ), title, name; default the certificate's O and CN (seal) or CN (person); the signing time is added",
    }),
  ),
  page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1, description: 'the page of the visible block' }),
  rect: Type.String({
    pattern: '^\\d{1,5}(\\.\\d+)?(,\\d{1,5}(\\.\\d+)?){3}$',
    default: '330,60,560,150',
    description: 'x1,y1,x2,y2 in points from the lower left; an existing field (field=lienthong-seal) keeps its own',
  }),
};

/** The visible block a query asks for, if any (`visible=true` or some `line`). */
export function visibleOf(query: { visible: boolean; line?: string[]; page: number; rect: string }): {
  visible?: VisibleQuery;
} {
  if (query.line === undefined && !query.visible) return {};
  return {
    visible: { page: query.page, rect: query.rect, ...(query.line === undefined ? {} : { lines: query.line }) },
  };
}
