/**
 * The 34 provinces after the July-2025 reorganisation, as the national portal (DVCQG) knows them.
 * Source: docs/dvcqg-api.md §9 (legacy IDs from the Oct-2025 legacy export, rootDepartmentIds from
 * the 2026 national `service-results` response, unit counts of Oct 2026).
 */
export interface Province {
  /** Portal code, the durable key (`H19`). */
  readonly code: string;
  readonly name: string;
  /** 2026 API `rootDepartmentId` (UUIDv7). */
  readonly rootDepartmentId: string;
  /** Legacy rest.jsp numeric ID (`p_tinh_id`), re-issued after the 2025 merger. */
  readonly legacyId: string;
  readonly departments: number;
  readonly communes: number;
}

type Row = [code: string, name: string, root: string, legacy: string, departments: number, communes: number];

const rows: Row[] = [
  ['H01', 'An Giang', '019d2be3-6a84-779d-b3e7-e214bdb86482', '398126', 15, 102],
  ['H05', 'Bắc Ninh', '019d2be3-6a84-779d-b3ed-9649c4f016cd', '401621', 14, 99],
  ['H12', 'Cà Mau', '019d2be3-6a85-74ec-a337-73acd0627180', '408562', 13, 64],
  ['H13', 'TP Cần Thơ', '019d2be3-6a85-74ec-a339-9985e7aba649', '409587', 15, 103],
  ['H14', 'Cao Bằng', '019d2be3-6a85-74ec-a33b-e8250c0580ce', '410516', 16, 56],
  ['H15', 'Đắk Lắk', '019d2be3-6a85-74ec-a33c-a7c04919ba00', '381137', 16, 102],
  ['H17', 'TP Đà Nẵng', '019d2be3-6a85-74ec-a33d-803cf2496575', '426100', 14, 93],
  ['H18', 'Điện Biên', '019d2be3-6a85-74ec-a341-16615c474af4', '383348', 14, 45],
  ['H19', 'Đồng Nai', '019d2be3-6a85-74ec-a342-8635701ddf34', '426101', 13, 95],
  ['H20', 'Đồng Tháp', '019d2be3-6a85-74ec-a344-751a7a0bbdb5', '374613', 14, 102],
  ['H21', 'Gia Lai', '019d2be3-6a85-74ec-a346-6489e82ae4c7', '384251', 14, 135],
  ['H24', 'TP Hải Phòng', '019d2be3-6a85-74ec-a349-88e0abf6a032', '387628', 12, 114],
  ['H26', 'TP Hà Nội', '019d2be3-6a86-70a8-a0af-76e986804225', '389181', 16, 126],
  ['H27', 'Hà Tĩnh', '019d2be3-6a87-7317-8557-a2fade51b5ae', '390693', 14, 69],
  ['H29', 'TP Hồ Chí Minh', '019d2be3-6a87-7317-855a-9a81af57b106', '411312', 19, 169],
  ['H31', 'Hưng Yên', '019d2be3-6a88-732b-8b0b-a4fad4f39fbc', '426108', 12, 104],
  ['H32', 'Khánh Hòa', '019d2be3-6a88-732b-8b0b-eac587d5c164', '415139', 26, 64],
  ['H35', 'Lai Châu', '019d2be3-6a88-732b-8b10-4fd42fc9139b', '420192', 18, 39],
  ['H36', 'Lâm Đồng', '019d2be3-6a88-732b-8b10-c1c15a42daee', '421149', 14, 124],
  ['H37', 'Lạng Sơn', '019d2be3-6a81-771b-b671-9078297c4a7b', '417489', 14, 66],
  ['H38', 'Lào Cai', '019d2be3-6a88-732b-8b12-58410ba7b5df', '426105', 15, 99],
  ['H41', 'Nghệ An', '019d2be3-6a88-732b-8b14-23b0bf40ce58', '418979', 13, 130],
  ['H42', 'Ninh Bình', '019d2be3-6a88-732b-8b15-828ae2e74c00', '393975', 14, 129],
  ['H44', 'Phú Thọ', '019d2be3-6a88-732b-8b17-b68020c8553a', '422607', 15, 148],
  ['H48', 'Quảng Ngãi', '019d2be3-6a88-732b-8b1a-b8df51d5f6bf', '365792', 31, 96],
  ['H49', 'Quảng Ninh', '019d2be3-6a88-732b-8b1c-46b23e7f2084', '426106', 16, 54],
  ['H50', 'Quảng Trị', '019d2be3-6a88-732b-8b20-29251b1ac762', '6715', 17, 78],
  ['H52', 'Sơn La', '019d2be3-6a88-732b-8b23-90f0216d78e2', '426103', 13, 75],
  ['H53', 'Tây Ninh', '019d2be3-6a88-732b-8b23-f5575505c632', '369810', 14, 96],
  ['H55', 'Thái Nguyên', '019d2be3-6a88-732b-8b25-68dfdcdcff0e', '370865', 15, 92],
  ['H56', 'Thanh Hóa', '019d2be3-6a88-732b-8b26-f3a94b76f008', '371854', 14, 166],
  ['H57', 'TP Huế', '019d2be3-6a89-70fe-8e5d-edfb72e6be7f', '374087', 15, 40],
  ['H60', 'Tuyên Quang', '019d2be3-6a89-70fe-8e60-6458eb08bfe1', '384979', 13, 124],
  ['H61', 'Vĩnh Long', '019d2be3-6a89-70fe-8e61-5ec4a2701203', '377087', 13, 124],
];

export const PROVINCES: readonly Province[] = rows.map(
  ([code, name, rootDepartmentId, legacyId, departments, communes]) =>
    Object.freeze({ code, name, rootDepartmentId, legacyId, departments, communes }),
);

const byCode = new Map(PROVINCES.map((p) => [p.code, p]));
const byRoot = new Map(PROVINCES.map((p) => [p.rootDepartmentId, p]));

export const PROVINCE_CODES: readonly string[] = PROVINCES.map((p) => p.code);

export function provinceByCode(code: string): Province {
  const p = byCode.get(code);
  if (!p) throw new Error(`unknown province code ${code}; expected one of ${PROVINCE_CODES.join(', ')}`);
  return p;
}

export function provinceByRootId(id: string): Province | undefined {
  return byRoot.get(id);
}

/** The province part of a unit code: `H19.143` → `H19`. Legacy Lạng Sơn `000.00.00.H37` → `H37`. */
export function provinceOfUnitCode(code: string): string {
  const m = /(H\d{2})(?:\.\d+)?$/.exec(code);
  return m ? m[1]! : code;
}
