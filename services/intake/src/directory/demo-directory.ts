/**
 * The demo tree `npm start` seeds (`seedDirectory(pool, demoDirectory())`): Tỉnh ủy Demo
 * with its office VPTU-DEMO (the office the rest of the demo acts for) and two boards,
 * three district committees, three communes under each, and in every office one caller
 * for every role. The province's office keeps the callers the demo has always had
 * (`person:bi-thu` Nguyễn Văn An, the signer, …); the others are named for their office.
 */
import { roles } from '@lienthong/service';
import type { DirectoryInput, OfficeEntry, PersonEntry } from './directory-document.ts';

type DemoOffice = Pick<OfficeEntry, 'code' | 'name' | 'abbreviation' | 'level'> & {
  parent: string | null;
  unit?: string;
};

const province: DemoOffice[] = [
  { code: 'TU-DEMO', name: 'Tỉnh ủy Demo', abbreviation: 'TU', level: 'province', parent: null },
  // Its certificates name O=Tỉnh ủy Demo (its committee) and the unit "Văn phòng Tỉnh ủy", as
  // the signing service's offices file of `npm start` always has (scripts/lib/demo.ts).
  {
    code: 'VPTU-DEMO',
    name: 'Văn phòng Tỉnh ủy Demo',
    abbreviation: 'VPTU',
    level: 'province',
    parent: 'TU-DEMO',
    unit: 'Văn phòng Tỉnh ủy',
  },
  { code: 'BTCTU-DEMO', name: 'Ban Tổ chức Tỉnh ủy Demo', abbreviation: 'BTCTU', level: 'province', parent: 'TU-DEMO' },
  {
    code: 'BTGTU-DEMO',
    name: 'Ban Tuyên giáo Tỉnh ủy Demo',
    abbreviation: 'BTGTU',
    level: 'province',
    parent: 'TU-DEMO',
  },
];

const districts: { code: string; name: string; communes: [string, string][] }[] = [
  {
    code: 'HU-KIMSON',
    name: 'Huyện ủy Kim Sơn',
    communes: [
      ['DU-KIMCHINH', 'Đảng ủy xã Kim Chính'],
      ['DU-LAITHANH', 'Đảng ủy xã Lai Thành'],
      ['DU-VANHAI', 'Đảng ủy xã Văn Hải'],
    ],
  },
  {
    code: 'HU-YENMO',
    name: 'Huyện ủy Yên Mô',
    communes: [
      ['DU-YENPHONG', 'Đảng ủy xã Yên Phong'],
      ['DU-YENTHANG', 'Đảng ủy xã Yên Thắng'],
      ['DU-KHANHTHUONG', 'Đảng ủy xã Khánh Thượng'],
    ],
  },
  {
    code: 'HU-NHOQUAN',
    name: 'Huyện ủy Nho Quan',
    communes: [
      ['DU-GIALAM', 'Đảng ủy xã Gia Lâm'],
      ['DU-QUYNHLUU', 'Đảng ủy xã Quỳnh Lưu'],
      ['DU-CUCPHUONG', 'Đảng ủy xã Cúc Phương'],
    ],
  },
];

/** Every office of the demo tree, parents first. */
function demoOffices(): DemoOffice[] {
  const offices = [...province];
  for (const district of districts) {
    offices.push({
      code: district.code,
      name: district.name,
      abbreviation: 'HU',
      level: 'district',
      parent: 'TU-DEMO',
    });
    for (const [code, name] of district.communes)
      offices.push({ code, name, abbreviation: 'ĐU', level: 'commune', parent: district.code });
  }
  return offices;
}

// Real Vietnamese names, given in turn to the people of the offices other than VPTU-DEMO.
const familyNames = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương'];
const givenNames = [
  'Văn Hùng',
  'Thị Lan',
  'Quốc Bảo',
  'Thị Hồng Nhung',
  'Minh Tuấn',
  'Thị Thu Hà',
  'Đức Thắng',
  'Thị Mai',
  'Văn Long',
  'Thị Hương',
  'Xuân Trường',
  'Thị Ngọc Ánh',
  'Hữu Phước',
  'Thị Loan',
  'Công Định',
];

/** What each role's person is called and does, by role. */
const roleSlots: { role: string; slug: string; title: (office: DemoOffice) => string }[] = [
  {
    role: roles.signer,
    slug: 'bi-thu',
    title: (o) => (o.abbreviation === 'ĐU' ? 'Bí thư Đảng ủy' : `Bí thư ${o.name.replace(/ Demo$/, '')}`),
  },
  { role: roles.registry, slug: 'van-thu', title: () => 'Văn thư' },
  { role: roles.archivist, slug: 'luu-tru', title: () => 'Lưu trữ viên' },
  { role: roles.caAdmin, slug: 'quan-tri', title: () => 'Quản trị chứng thư số' },
  { role: roles.directoryAdmin, slug: 'danh-ba', title: () => 'Quản trị danh bạ' },
];

/** The callers of VPTU-DEMO the demo has always had, kept as they are, and its directory administrator. */
const provinceOfficeCallers: PersonEntry[] = [
  {
    office: 'VPTU-DEMO',
    subject: 'system:vptu-demo',
    name: 'Phần mềm văn phòng (demo)',
    title: 'Hệ thống quản lý văn bản',
    roles: [roles.officeSystem],
  },
  {
    office: 'VPTU-DEMO',
    subject: 'person:bi-thu',
    name: 'Nguyễn Văn An',
    title: 'Bí thư Tỉnh ủy',
    roles: [roles.signer],
  },
  { office: 'VPTU-DEMO', subject: 'person:van-thu', name: 'Trần Thị Bình', title: 'Văn thư', roles: [roles.registry] },
  {
    office: 'VPTU-DEMO',
    subject: 'person:luu-tru',
    name: 'Lê Văn Cường',
    title: 'Lưu trữ viên',
    roles: [roles.archivist],
  },
  {
    office: 'VPTU-DEMO',
    subject: 'person:quan-tri',
    name: 'Phạm Thị Dung',
    title: 'Chánh Văn phòng',
    roles: [roles.caAdmin],
  },
  {
    office: 'VPTU-DEMO',
    subject: 'person:danh-ba',
    name: 'Hoàng Minh Đức',
    title: 'Phó Chánh Văn phòng',
    roles: [roles.directoryAdmin],
  },
];

/** The people of the demo tree: one for every role in every office. */
function demoPeople(offices: readonly DemoOffice[]): PersonEntry[] {
  const people = [...provinceOfficeCallers];
  let n = 0;
  for (const office of offices) {
    if (office.code === 'VPTU-DEMO') continue;
    const suffix = office.code.toLowerCase();
    people.push({
      office: office.code,
      subject: `system:${suffix}`,
      name: `Phần mềm văn phòng ${office.name}`,
      title: 'Hệ thống quản lý văn bản',
      roles: [roles.officeSystem],
    });
    for (const slot of roleSlots) {
      const name = `${familyNames[n % familyNames.length]} ${givenNames[n % givenNames.length]}`;
      n += 1;
      people.push({
        office: office.code,
        subject: `person:${slot.slug}.${suffix}`,
        name,
        title: slot.title(office),
        roles: [slot.role],
      });
    }
  }
  return people;
}

/** The demo directory as an import: the tree, its people, and two groups (the districts, the communes of Kim Sơn). */
export function demoDirectory(): DirectoryInput {
  const offices = demoOffices();
  return {
    offices,
    people: demoPeople(offices),
    groups: [
      {
        code: 'DEMO-HUYEN-UY',
        office: 'VPTU-DEMO',
        name: 'Các huyện ủy trực thuộc Tỉnh ủy Demo',
        rules: [{ under: 'TU-DEMO', level: 'district' }],
      },
      {
        code: 'DEMO-XA-KIMSON',
        office: 'HU-KIMSON',
        name: 'Các đảng ủy xã thuộc Huyện ủy Kim Sơn',
        rules: [{ under: 'HU-KIMSON', level: 'commune' }],
      },
    ],
  };
}

/** One demo caller: who a token (and a CLI configuration file) is made for. */
export interface DemoCaller {
  office: string;
  subject: string;
  name: string;
  role: string;
}

/** Every caller of the demo tree, one per role per office: `npm start` writes `.data/embedded/cli/<office>/<role>.json` for each. */
export function demoCallers(): DemoCaller[] {
  return (demoDirectory().people ?? []).map((p) => ({
    office: p.office,
    subject: p.subject,
    name: p.name,
    role: p.roles[0]!,
  }));
}
