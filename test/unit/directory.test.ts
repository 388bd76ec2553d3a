import { describe, expect, it } from 'vitest';
import { addresseesFor, parseRecipientsCsv, type DirectoryEntry } from '../../src/mail/directory.ts';

const entries: DirectoryEntry[] = [
  {
    unit: 'H19.1??',
    to: ['xa-{code}@dongnai.gov.vn'],
    cc: ['kstthc@vpubnd.dongnai.gov.vn'],
    from: null,
    until: null,
    source: 'config',
  },
  { unit: 'H19.101', to: ['chutich@dongxoai.gov.vn'], cc: [], from: null, until: null, source: 'config' },
  { unit: 'H19.08', to: ['old@stp.gov.vn'], cc: [], from: null, until: '2026-11-30', source: 'import' },
  { unit: 'H19.08', to: ['new@stp.gov.vn'], cc: [], from: '2026-12-01', until: null, source: 'import' },
];

describe('responsibility directory', () => {
  it('patterns fill {code}; an exact entry wins over the pattern', () => {
    expect(addresseesFor('H19.111', entries, '2026-11-23')).toEqual({
      to: ['xa-h19.111@dongnai.gov.vn'],
      cc: ['kstthc@vpubnd.dongnai.gov.vn'],
    });
    expect(addresseesFor('H19.101', entries, '2026-11-23')).toEqual({ to: ['chutich@dongxoai.gov.vn'], cc: [] });
  });

  it('from / until follow staff changes', () => {
    expect(addresseesFor('H19.08', entries, '2026-11-30')!.to).toEqual(['old@stp.gov.vn']);
    expect(addresseesFor('H19.08', entries, '2026-12-01')!.to).toEqual(['new@stp.gov.vn']);
  });

  it('nobody → null (the caller falls back to ops)', () => {
    expect(addresseesFor('H19.12', entries, '2026-11-23')).toBeNull();
  });
});

describe('recipients CSV', () => {
  it('reads UTF-8 with a BOM, several addresses per cell', () => {
    const rows = parseRecipientsCsv(
      '\ufeffunit_code,to,cc,from,until\nH19.07,a@x.vn;b@x.vn,c@x.vn,,\n"H19.1??",xa-{code}@x.vn,,2026-01-01,2026-12-31\n',
      'r.csv',
    );
    expect(rows).toEqual([
      { line: 2, unit: 'H19.07', to: ['a@x.vn', 'b@x.vn'], cc: ['c@x.vn'], from: null, until: null },
      { line: 3, unit: 'H19.1??', to: ['xa-{code}@x.vn'], cc: [], from: '2026-01-01', until: '2026-12-31' },
    ]);
  });

  it('reports every bad row with its line number and imports nothing', () => {
    expect(() =>
      parseRecipientsCsv(
        'unit_code,to,cc,from,until\nH19.07,a@x.vn,,,\nH19.08,not-an-email,,,\nH19 09,b@x.vn,,2026-13-01,\n',
        'r.csv',
      ),
    ).toThrow(
      /r\.csv: 2 problems, nothing imported:\n {2}line 3: "not-an-email" is not an e-mail address\n {2}line 4: unit_code "H19 09" is not a unit code or pattern.*from "2026-13-01" is not a date/,
    );
  });

  it('rejects a file without the needed columns', () => {
    expect(() => parseRecipientsCsv('code,email\nH19.07,a@x.vn\n', 'r.csv')).toThrow(/missing column "unit_code"/);
  });
});
