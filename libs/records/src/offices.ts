/**
 * Levels of the Party's organisation an office belongs to, for the directory of offices
 * (docs/DESIGN.md "Who uses it": province, district and commune offices; docs/DOMAIN.md
 * "Scale": the Centre, 34 provinces, communes and wards, grassroots organisations). The
 * district level is kept: DOMAIN's body abbreviations include HU (huyện ủy), and records
 * of district committees stay in the archive whatever later reorganisations do.
 */

/** The levels' ids, from the top. */
export const officeLevelIds = ['centre', 'province', 'district', 'commune', 'grassroots'] as const;

/** An office's level. */
export type OfficeLevelId = (typeof officeLevelIds)[number];

/** One level. */
export interface OfficeLevel {
  id: OfficeLevelId;
  /** The Vietnamese name (cấp). */
  name: string;
}

/** The levels as data. */
export const officeLevels: readonly OfficeLevel[] = Object.freeze(
  (
    [
      { id: 'centre', name: 'Trung ương' },
      { id: 'province', name: 'Tỉnh, thành phố' },
      { id: 'district', name: 'Huyện, quận, thị xã' },
      { id: 'commune', name: 'Xã, phường, đặc khu' },
      { id: 'grassroots', name: 'Cơ sở' },
    ] satisfies OfficeLevel[]
  ).map((l) => Object.freeze(l)),
);

/**
 * Whether an office at level `child` may sit under one at `parent` in the org tree: at the
 * same level (a committee's office and boards, VPTU and BTGTU under TU) or below it (a
 * level may be skipped: communes directly under a province).
 */
export function mayBeUnder(child: OfficeLevelId, parent: OfficeLevelId): boolean {
  return officeLevelIds.indexOf(child) >= officeLevelIds.indexOf(parent);
}
