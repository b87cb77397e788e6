/** A generated national directory: the centre, 34 provinces with their offices, 5 districts each, `communes` communes spread over them. */
export interface GeneratedOffice {
  code: string;
  name: string;
  abbreviation: string;
  level: string;
  parent: string | null;
}

/** The offices (parents first) and one group per province: its communes. */
export function nationalDirectory(communes: number): {
  offices: GeneratedOffice[];
  groups: { code: string; office: string; name: string; rules: { under: string; level: string }[] }[];
} {
  const offices: GeneratedOffice[] = [
    { code: 'TW', name: 'Ban Chấp hành Trung ương', abbreviation: 'TW', level: 'centre', parent: null },
    { code: 'VPTW', name: 'Văn phòng Trung ương Đảng', abbreviation: 'VPTW', level: 'centre', parent: 'TW' },
  ];
  const groups = [];
  const districts: string[] = [];
  for (let p = 1; p <= 34; p += 1) {
    const n = String(p).padStart(2, '0');
    offices.push({ code: `TU-P${n}`, name: `Tỉnh ủy số ${n}`, abbreviation: 'TU', level: 'province', parent: 'TW' });
    offices.push({
      code: `VPTU-P${n}`,
      name: `Văn phòng Tỉnh ủy số ${n}`,
      abbreviation: 'VPTU',
      level: 'province',
      parent: `TU-P${n}`,
    });
    for (let d = 1; d <= 5; d += 1) {
      const code = `HU-P${n}-${d}`;
      districts.push(code);
      offices.push({
        code,
        name: `Huyện ủy số ${d} tỉnh ${n}`,
        abbreviation: 'HU',
        level: 'district',
        parent: `TU-P${n}`,
      });
    }
    groups.push({
      code: `XA-TU-P${n}`,
      office: `VPTU-P${n}`,
      name: `Các đảng ủy xã của Tỉnh ủy số ${n}`,
      rules: [{ under: `TU-P${n}`, level: 'commune' }],
    });
  }
  for (let c = 0; c < communes; c += 1) {
    const district = districts[c % districts.length]!;
    offices.push({
      code: `DU-${district.slice(3)}-${String(c).padStart(4, '0')}`,
      name: `Đảng ủy xã Hòa Bình ${c}`,
      abbreviation: 'ĐU',
      level: 'commune',
      parent: district,
    });
  }
  return { offices, groups };
}
