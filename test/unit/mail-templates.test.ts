import { describe, expect, it } from 'vitest';
import {
  headline,
  renderDigest,
  renderOpsDigest,
  shortUnitName,
  type DigestAlert,
  type DigestModel,
} from '../../src/mail/templates.ts';
import { escapeHtml as esc } from '../../src/domain/wording.ts';
import { weekLabel } from '../../src/domain/format.ts';

const base: DigestModel = {
  provinceName: 'UBND Thành phố Đồng Nai',
  week: '2026-W48',
  periodLabel: 'năm 2026',
  capturedAt: new Date('2026-11-22T21:12:00Z'),
  previousCapturedAt: new Date('2026-11-15T21:12:00Z'),
  timezone: 'Asia/Ho_Chi_Minh',
  portalUrl: 'https://dichvucong.gov.vn/danh-gia-chat-luong-phuc-vu',
  sender: 'Văn phòng UBND tỉnh Đồng Nai',
  contact: 'Phòng Kiểm soát TTHC — ĐT 0251 3822 766 — kstthc@dongnai.gov.vn',
  replyBy: '27/11/2026',
  reportTo: 'kstthc@dongnai.gov.vn',
  notes: [],
  units: [
    {
      code: 'H19.08',
      name: 'Sở Tư pháp - thành phố Đồng Nai',
      alerts: [
        {
          id: 1,
          event: 'opened',
          rule: 'floor',
          severity: 'critical',
          metric: 'TOTAL',
          value: 48.15,
          previous: 52.4,
          threshold: 50,
          maxScore: 100,
          message: 'x',
        },
      ],
      rows: [
        {
          metric: 'TOTAL',
          current: 48.15,
          previous: 52.4,
          max: 100,
          threshold: 50,
          rank: 13,
          previousRank: 10,
          outOf: '20 sở, ban, ngành',
        },
        { metric: 'CKMB', current: 8.65, previous: 14.56, max: 18, threshold: null, rank: 19, previousRank: 12 },
        { metric: 'TDGQ', current: 13.71, previous: 13.71, max: 20, threshold: null, rank: 9, previousRank: 9 },
      ],
    },
  ],
};

/** A discrepancy alert: digitisation 99,91 % at the provincial portal, 57,01 % at DVCQG. */
const DIGITIZATION_GAP: DigestAlert = {
  id: 2,
  event: 'opened',
  rule: 'reconciliation',
  severity: 'warn',
  metric: 'PROV_DIGITIZATION',
  value: 99.91,
  previous: 57.01,
  threshold: 5,
  maxScore: null,
  message: 'x',
};

describe('digest templates', () => {
  it('subject like the issue example, in Vietnamese with vi-VN numbers', () => {
    expect(renderDigest(base).subject).toBe(
      '[Chỉ số 766] Sở Tư pháp: tổng điểm 52,40 → 48,15/100 — dưới ngưỡng 50 (tuần 48/2026)',
    );
  });

  it('plain text: figures, change arrows, rank, what to check, capture times in Asia/Ho_Chi_Minh', () => {
    const { text } = renderDigest(base);
    expect(text).toContain('thu thập lúc 23/11/2026 04:12, so với lần thu thập lúc 16/11/2026 04:12');
    expect(text).toContain('Tổng điểm | 48,15/100 | 52,40/100 | ▼ 4,25 | 50 | 13/20 sở, ban, ngành (trước: 10)');
    expect(text).toContain('Công khai, minh bạch | 8,65/18 | 14,56/18 | ▼ 5,91 | — | 19 (trước: 12)');
    expect(text).toContain('Tiến độ giải quyết | 13,71/20 | 13,71/20 | 0,00 | — | 9');
    expect(text).toMatch(/Công khai, minh bạch: kiểm tra đồng bộ hồ sơ lên Cổng DVCQG/);
    expect(text).not.toMatch(/Tiến độ giải quyết: kiểm tra/);
    expect(text).not.toMatch(/\b(CKMB|TDGQ|TOTAL|floor|opened)\b/);
  });

  it('an official letter: Kính gửi, sender office, request with reply-by date, contact', () => {
    const { text, html } = renderDigest(base);
    expect(text.split('\n')[0]).toBe('Kính gửi: Sở Tư pháp - thành phố Đồng Nai.');
    expect(text).toContain('Văn phòng UBND tỉnh Đồng Nai thông báo kết quả Bộ chỉ số 766 (năm 2026) của đơn vị');
    expect(text).toContain(
      'Đề nghị đơn vị rà soát, khắc phục các nội dung nêu trên và báo cáo kết quả trước ngày 27/11/2026 về kstthc@dongnai.gov.vn.',
    );
    expect(text).toContain(
      'Đầu mối liên hệ về số liệu: Phòng Kiểm soát TTHC — ĐT 0251 3822 766 — kstthc@dongnai.gov.vn.',
    );
    expect(text).not.toContain('chiso766');
    expect(html).toContain('Kính gửi: Sở Tư pháp - thành phố Đồng Nai.');
    // Without the optional settings the sentence simply stops.
    const bare = renderDigest({ ...base, replyBy: null, reportTo: null, contact: null }).text;
    expect(bare).toContain('Đề nghị đơn vị rà soát, khắc phục các nội dung nêu trên.');
    expect(bare).not.toContain('Đầu mối liên hệ');
  });

  it('a discrepancy: both figures, both capture times, the gap and what to check', () => {
    const m: DigestModel = {
      ...base,
      units: [
        {
          ...base.units[0]!,
          alerts: [
            {
              ...DIGITIZATION_GAP,
              discrepancy: {
                label: 'Tỷ lệ số hóa hồ sơ',
                unit: '%',
                provincial: 99.91,
                national: 57.01,
                gap: 42.9,
                gapPoints: 42.9,
                provincialAt: new Date('2026-11-22T20:00:00Z'),
                nationalAt: new Date('2026-11-22T21:12:00Z'),
                check: 'đối soát việc số hóa hồ sơ',
              },
            },
          ],
        },
      ],
    };
    const { text, subject } = renderDigest(m);
    expect(subject).toContain('tỷ lệ số hóa hồ sơ: Cổng tỉnh 99,91%, Cổng quốc gia 57,01% — chênh lệch 42,90 điểm %');
    expect(text).toContain(
      'Tỷ lệ số hóa hồ sơ: Cổng tỉnh 99,91% (thu thập lúc 23/11/2026 03:00), Cổng quốc gia 57,01% (thu thập lúc 23/11/2026 04:12) — đối soát',
    );
    expect(text).not.toContain('PROV_');
  });

  it('HTML: inline-styled table, red ▼ for falls, a link to the portal page', () => {
    const { html } = renderDigest(base);
    expect(html).toMatch(/<table[^>]*style="border-collapse:collapse;"/);
    expect(html).toContain('<span style="color:#c62828;">▼ 5,91</span>');
    expect(html).toContain('href="https://dichvucong.gov.vn/danh-gia-chat-luong-phuc-vu"');
    expect(html).toContain('lang="vi"');
  });

  it('escapes every value: a unit name with <b>&', () => {
    const evil = {
      ...base,
      units: [{ ...base.units[0]!, name: 'Sở <b>Tư</b> & "pháp"' }],
      notes: ['<script>x</script>'],
    };
    const { html, subject } = renderDigest(evil);
    expect(html).toContain('Sở &lt;b&gt;Tư&lt;/b&gt; &amp; &quot;pháp&quot;');
    expect(html).not.toContain('<b>Tư</b>');
    expect(html).not.toContain('<script>');
    expect(subject).toContain('Sở <b>Tư</b> & "pháp"'); // subjects are text, not HTML
    expect(esc(`'`)).toBe('&#39;');
  });

  it('headlines for each rule and for good news', () => {
    const a = base.units[0]!.alerts[0]!;
    expect(headline({ ...a, rule: 'weeklyDrop', value: 63.95, previous: 69.7 })).toBe(
      'tổng điểm 69,70 → 63,95/100 — giảm 5,75 điểm so với tuần trước',
    );
    expect(headline({ ...a, rule: 'rankDrop', value: 23, previous: 10, outOf: '95 đơn vị' })).toBe(
      'xếp hạng giảm từ 10 xuống 23/95 đơn vị',
    );
    expect(headline({ ...a, event: 'resolved', value: 51.9 })).toBe('tổng điểm 51,90/100 — đã trở lại trên ngưỡng');
    // Kept open by the resolve margin: never "dưới ngưỡng" for a figure above it.
    expect(headline({ ...a, event: 'repeat', value: 50.6, previous: 41.25 })).toBe(
      'tổng điểm 41,25 → 50,60/100 — đã trên ngưỡng 50 nhưng chưa vượt đủ biên an toàn',
    );
    expect(headline({ ...a, metric: 'CKMB', maxScore: 18, value: 8.65, previous: null, threshold: 9 })).toBe(
      'công khai, minh bạch 8,65/18 — dưới ngưỡng 9',
    );
  });

  it('names and weeks', () => {
    expect(shortUnitName('Ban Quản lý các Khu công nghiệp - thành phố Đồng Nai')).toBe(
      'Ban Quản lý các Khu công nghiệp',
    );
    expect(shortUnitName('UBND xã Long Bình - Đồng Nai')).toBe('UBND xã Long Bình - Đồng Nai');
    expect(weekLabel('2026-W05')).toBe('tuần 5/2026');
  });

  it('ops digest: source problems in Vietnamese, discrepancies apart from source faults, notes', () => {
    const m = renderOpsDigest({
      week: '2026-W48',
      timezone: 'Asia/Ho_Chi_Minh',
      summaryLine: 'Tuần 48/2026: 2 phản hồi lỗi',
      alerts: [
        {
          id: 9,
          event: 'opened',
          rule: 'source.blocked',
          severity: 'critical',
          metric: 'transparency',
          value: 200,
          previous: null,
          threshold: null,
          maxScore: null,
          message: 'm',
          kind: 'source',
          unitCode: 'H19',
          unitName: 'Đồng Nai',
          detail: 'Cổng chặn <trang>',
        },
        {
          ...DIGITIZATION_GAP,
          kind: 'discrepancy',
          unitCode: 'H19.08',
          unitName: 'Sở Tư pháp',
          detail: 'Tỷ lệ số hóa hồ sơ: Cổng tỉnh 99,91%',
        },
      ],
      notes: ['Chưa có người nhận thư của UBND xã A (H19.05)'],
    });
    expect(m.subject).toBe(
      '[Chỉ số 766] Vận hành: 1 sự cố nguồn dữ liệu, 1 chênh lệch số liệu Cổng tỉnh và Cổng quốc gia, 1 ghi chú (tuần 48/2026)',
    );
    expect(m.html).toContain('Cổng chặn &lt;trang&gt;');
    expect(m.text).toContain('Cảnh báo mới — Cổng dịch vụ công chặn truy cập (Đồng Nai, nhóm Công khai, minh bạch)');
    expect(m.text).toContain('Chênh lệch số liệu Cổng tỉnh và Cổng quốc gia (Sở Tư pháp): Tỷ lệ số hóa hồ sơ');
    expect(m.text).toContain('Chưa có người nhận thư của UBND xã A (H19.05)');
    const over = renderOpsDigest({
      week: '2026-W49',
      timezone: 'Asia/Ho_Chi_Minh',
      summaryLine: null,
      alerts: [
        {
          ...DIGITIZATION_GAP,
          event: 'resolved',
          rule: 'source.coverage',
          metric: null,
          kind: 'source',
          unitCode: 'H19',
          unitName: 'Đồng Nai',
          detail: 'Thiếu số liệu của tỉnh Đồng Nai',
        },
      ],
      notes: [],
    });
    expect(over.subject).toBe('[Chỉ số 766] Vận hành: các sự cố đã khắc phục (tuần 49/2026)');
    expect(over.text).toContain(
      '- Đã khắc phục — Thiếu đơn vị hoặc số liệu (Đồng Nai); trước đó: Thiếu số liệu của tỉnh Đồng Nai',
    );
    expect(m.text + m.html).not.toMatch(/source\.|reconciliation|PROV_|transparency|running|\bchiso766 /);
  });
});
