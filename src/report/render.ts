/**
 * The notice's blocks as Markdown, standalone HTML (printable A4) and DOCX in the form of Nghị định
 * 30/2020/NĐ-CP: Times New Roman, A4 with margins 20/20/30/15 mm, page numbers from page 2 centred
 * at the top, table header rows repeated and rows never split across pages.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  HeadingLevel,
  ImageRun,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { viDate, viNumber } from '../domain/format.ts';
import { GROUP_CODES, metricDef } from '../domain/metrics.ts';
import { escapeHtml } from '../domain/wording.ts';
import { trendPng, trendSvg } from './chart.ts';
import type { Block, TableRow as BlockRow } from './document.ts';
import type { BulletinModel } from './model.ts';

const QUOC_HIEU = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
const TIEU_NGU = 'Độc lập - Tự do - Hạnh phúc';
const TREND_CODES = ['TOTAL', ...GROUP_CODES];
const trendLabel = (code: string) => (code === 'TOTAL' ? 'Tổng điểm' : metricDef(code)!.short);

// ─── Markdown ────────────────────────────────────────────────────────────────────────────────

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function mdRow(r: BlockRow): string {
  return `| ${r.cells.map((c, i) => (r.group || (r.highlight && i === 1) ? (c ? `**${mdCell(c)}**` : '') : mdCell(c))).join(' | ')} |`;
}

export function renderMarkdown(m: BulletinModel, blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'frame':
        out.push(
          `| ${b.issuingBody} | **${QUOC_HIEU}** |`,
          '| --- | --- |',
          `| **${b.office}** | **${TIEU_NGU}** |`,
          `| ${b.number} | *${b.placeDate}* |`,
          '',
        );
        break;
      case 'title':
        out.push(`# ${b.text}`, '', `**${b.subtitle}**`, '');
        break;
      case 'heading':
        out.push(`${b.level === 1 ? '##' : '###'} ${b.text}`, '');
        break;
      case 'paragraph':
        out.push(b.emphasis ? `*${b.text}*` : b.text, '');
        break;
      case 'list':
        out.push(...b.items.map((i) => `- ${i}`), '');
        break;
      case 'table':
        out.push(
          `| ${b.headers.map(mdCell).join(' | ')} |`,
          `|${b.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`,
          ...b.rows.map(mdRow),
          '',
        );
        break;
      case 'chart':
        out.push(
          `| Ngày thu thập | ${TREND_CODES.map(trendLabel).join(' | ')} |`,
          `| --- |${TREND_CODES.map(() => ' ---: ').join('|')}|`,
        );
        for (const p of m.trend)
          out.push(
            `| ${viDate(p.capturedAt, m.timezone)} | ${TREND_CODES.map((c) => viNumber(p.values[c] ?? null)).join(' | ')} |`,
          );
        out.push('');
        break;
      case 'signature':
        out.push(
          '**Nơi nhận:**',
          ...b.recipients.map((r) => `- ${r}`),
          '',
          ...b.titles.map((t) => `**${t}**  `),
          '',
          '',
          `**${b.name || '(họ và tên người ký)'}**`,
          '',
        );
        break;
      case 'pagebreak':
        out.push('---', '');
        break;
    }
  }
  return out.join('\n');
}

// ─── HTML ────────────────────────────────────────────────────────────────────────────────────

const CSS = `@page{size:A4;margin:20mm 15mm 20mm 30mm}body{font-family:"Times New Roman",Times,serif;font-size:14pt;color:#000;max-width:165mm;margin:0 auto;padding:8mm 0}
table.frame,table.sig{width:100%;border:none;margin:0 0 10pt}table.frame td,table.sig td{border:none;vertical-align:top;text-align:center;padding:0}
.rule{width:40%;margin:2pt auto 6pt;border-top:1px solid #000}.qh{font-weight:bold;font-size:12.5pt}.tn{font-weight:bold;font-size:13pt}.place{font-style:italic;font-size:14pt}
h1{text-align:center;font-size:14pt;margin:12pt 0 0}.subtitle{text-align:center;font-weight:bold;margin:2pt 0 10pt}h2,h3{font-size:14pt;font-weight:bold;margin:10pt 0 4pt}
p{margin:4pt 0;text-align:justify;text-indent:1cm}p.note{font-style:italic}p.draft{color:#333}ul{margin:4pt 0 4pt 0;padding:0;list-style:none}li{text-indent:1cm;text-align:justify}li:before{content:"- "}
table.data{border-collapse:collapse;width:100%;margin:6pt 0;font-size:12pt;page-break-inside:auto}table.data tr{page-break-inside:avoid}table.data thead{display:table-header-group}
table.data th,table.data td{border:1px solid #000;padding:2pt 3pt;vertical-align:top}table.data th{font-weight:bold;text-align:center}td.n{text-align:right;white-space:nowrap}
tr.group td{font-weight:bold}tr.fall td{background:#fde8e8}tr.low td{background:#fff4d6}.chart{margin:8pt 0}
.sig .left{text-align:left;width:45%;font-size:11pt}.sig .left b{font-size:12pt;font-style:italic}.sig .right{width:55%;font-weight:bold}.pagebreak{page-break-after:always}`;

export function renderHtml(m: BulletinModel, blocks: readonly Block[]): string {
  const body: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'frame':
        body.push(
          `<table class="frame"><tr><td style="width:40%">${escapeHtml(b.issuingBody)}<br><b>${escapeHtml(b.office)}</b><div class="rule"></div>${escapeHtml(b.number)}</td>` +
            `<td style="width:60%"><span class="qh">${QUOC_HIEU}</span><br><span class="tn">${TIEU_NGU}</span><div class="rule"></div><span class="place">${escapeHtml(b.placeDate)}</span></td></tr></table>`,
        );
        break;
      case 'title':
        body.push(
          `<h1>${escapeHtml(b.text)}</h1><p class="subtitle">${escapeHtml(b.subtitle)}</p><div class="rule" style="width:25%"></div>`,
        );
        break;
      case 'heading':
        body.push(b.level === 1 ? `<h2>${escapeHtml(b.text)}</h2>` : `<h3>${escapeHtml(b.text)}</h3>`);
        break;
      case 'paragraph':
        body.push(
          `<p class="${[b.emphasis ? 'note' : '', b.draft ? 'draft' : ''].join(' ').trim()}">${escapeHtml(b.text)}</p>`,
        );
        break;
      case 'list':
        body.push(
          `<ul${b.draft ? ' class="draft"' : ''}>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`,
        );
        break;
      case 'table':
        body.push(
          `<table class="data">${b.widths ? `<colgroup>${b.widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>` : ''}<thead><tr>${b.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
            b.rows
              .map(
                (r) =>
                  `<tr${r.group ? ' class="group"' : r.highlight ? ` class="${r.highlight}"` : ''}>${r.cells.map((c, i) => `<td${b.numeric[i] ? ' class="n"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
              )
              .join('') +
            '</tbody></table>',
        );
        break;
      case 'chart':
        body.push(`<div class="chart">${trendSvg(m)}</div>`);
        break;
      case 'signature':
        body.push(
          `<table class="sig"><tr><td class="left"><b>Nơi nhận:</b><br>${b.recipients.map((r) => `- ${escapeHtml(r)}`).join('<br>')}</td>` +
            `<td class="right">${b.titles.map(escapeHtml).join('<br>')}<br><br><br><br>${escapeHtml(b.name)}</td></tr></table>`,
        );
        break;
      case 'pagebreak':
        body.push('<div class="pagebreak"></div>');
        break;
    }
  }
  return `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(m.title)}</title><style>${CSS}</style></head><body>${body.join('\n')}</body></html>\n`;
}

// ─── DOCX ────────────────────────────────────────────────────────────────────────────────────

const FONT = 'Times New Roman';
/** Half-points: 14 pt body, 13 pt frame, 12 pt tables, 11 pt recipients. */
const BODY = 28;
const FRAME = 26;
const TABLE = 24;
const SMALL = 22;
/** Twips: A4, margins top/bottom 20 mm, left 30 mm, right 15 mm (ND 30: 20–25 / 30–35 / 15–20). */
const MM = 56.7;
const MARGIN = {
  top: Math.round(20 * MM),
  bottom: Math.round(20 * MM),
  left: Math.round(30 * MM),
  right: Math.round(15 * MM),
};
const TEXT_WIDTH = 11906 - MARGIN.left - MARGIN.right;
const LINE = { style: BorderStyle.SINGLE, size: 6, color: '000000' };
const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const FILL: Record<string, string> = { fall: 'FDE8E8', low: 'FFF4D6' };

function run(text: string, o: { bold?: boolean; italics?: boolean; size?: number } = {}): TextRun {
  return new TextRun({ text, font: FONT, size: o.size ?? BODY, bold: o.bold, italics: o.italics });
}

function centred(text: string, o: { bold?: boolean; italics?: boolean; size?: number } = {}): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 0 }, children: [run(text, o)] });
}

/** The short rule under the office and under the motto: a bottom border on a narrowed paragraph. */
function rule(cellWidth: number, share: number): Paragraph {
  const side = Math.round((cellWidth * (1 - share)) / 2);
  return new Paragraph({
    spacing: { after: 120 },
    indent: { left: side, right: side },
    border: { bottom: LINE },
    children: [],
  });
}

function plainCell(width: number, children: Paragraph[]): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    borders: { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER },
    children,
  });
}

function frameTable(b: Extract<Block, { type: 'frame' }>): Table {
  const left = Math.round(TEXT_WIDTH * 0.4);
  const right = TEXT_WIDTH - left;
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [left, right],
    layout: TableLayoutType.FIXED,
    borders: TableBorders.NONE,
    rows: [
      new TableRow({
        children: [
          plainCell(left, [
            centred(b.issuingBody, { size: FRAME }),
            centred(b.office, { bold: true, size: FRAME }),
            rule(left, 0.4),
            centred(b.number, { size: FRAME }),
          ]),
          plainCell(right, [
            centred(QUOC_HIEU, { bold: true, size: 24 }),
            centred(TIEU_NGU, { bold: true, size: FRAME }),
            rule(right, 0.55),
            centred(b.placeDate, { italics: true }),
          ]),
        ],
      }),
    ],
  });
}

function dataTable(b: Extract<Block, { type: 'table' }>): Table {
  const widths = (b.widths ?? b.headers.map(() => 100 / b.headers.length)).map((w) =>
    Math.round((w / 100) * TEXT_WIDTH),
  );
  const cell = (
    text: string,
    o: { header?: boolean; numeric?: boolean; fill?: string; bold?: boolean; width: number },
  ) =>
    new TableCell({
      width: { size: o.width, type: WidthType.DXA },
      margins: { left: 60, right: 60, top: 20, bottom: 20 },
      borders: { top: LINE, bottom: LINE, left: LINE, right: LINE },
      shading: o.fill ? { type: ShadingType.CLEAR, color: 'auto', fill: o.fill } : undefined,
      children: [
        new Paragraph({
          alignment: o.header ? AlignmentType.CENTER : o.numeric ? AlignmentType.RIGHT : AlignmentType.LEFT,
          spacing: { after: 0 },
          children: [run(text, { bold: o.header || o.bold, size: TABLE })],
        }),
      ],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      // Repeated on every page the table runs onto; a row is never split between two pages.
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: b.headers.map((h, i) => cell(h, { header: true, width: widths[i]! })),
      }),
      ...b.rows.map(
        (r) =>
          new TableRow({
            cantSplit: true,
            children: r.cells.map((c, i) =>
              cell(c, {
                numeric: b.numeric[i],
                bold: r.group,
                fill: r.highlight ? FILL[r.highlight] : undefined,
                width: widths[i]!,
              }),
            ),
          }),
      ),
    ],
  });
}

function signatureTable(b: Extract<Block, { type: 'signature' }>): Table {
  const left = Math.round(TEXT_WIDTH * 0.45);
  const right = TEXT_WIDTH - left;
  const recipients = [
    new Paragraph({ spacing: { after: 0 }, children: [run('Nơi nhận:', { bold: true, italics: true, size: TABLE })] }),
    ...b.recipients.map((r) => new Paragraph({ spacing: { after: 0 }, children: [run(`- ${r}`, { size: SMALL })] })),
  ];
  const signer = [
    ...b.titles.map((t) => centred(t, { bold: true })),
    ...[1, 2, 3, 4].map(() => centred('')),
    centred(b.name, { bold: true }),
  ];
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [left, right],
    layout: TableLayoutType.FIXED,
    borders: TableBorders.NONE,
    rows: [new TableRow({ cantSplit: true, children: [plainCell(left, recipients), plainCell(right, signer)] })],
  });
}

export async function renderDocx(m: BulletinModel, blocks: readonly Block[]): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [];
  const body = (text: string, o: { italics?: boolean } = {}) =>
    new Paragraph({
      alignment: AlignmentType.JUSTIFIED,
      indent: { firstLine: 567 },
      spacing: { after: 120 },
      children: [run(text, o)],
    });
  for (const b of blocks) {
    switch (b.type) {
      case 'frame':
        children.push(frameTable(b));
        break;
      case 'title':
        children.push(
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { before: 240, after: 0 },
            children: [run(b.text, { bold: true })],
          }),
        );
        children.push(
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 0 },
            children: [run(b.subtitle, { bold: true })],
          }),
        );
        children.push(rule(TEXT_WIDTH, 0.2));
        break;
      case 'heading':
        children.push(
          new Paragraph({
            heading: b.level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2,
            indent: { firstLine: 567 },
            spacing: { before: 120, after: 120 },
            keepNext: true,
            children: [run(b.text, { bold: true })],
          }),
        );
        break;
      case 'paragraph':
        children.push(body(b.text, { italics: b.emphasis }));
        break;
      case 'list':
        for (const i of b.items) children.push(body(`- ${i}`));
        break;
      case 'table':
        children.push(dataTable(b));
        children.push(new Paragraph({ spacing: { after: 0 }, children: [] }));
        break;
      case 'chart':
        children.push(
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: [
              new ImageRun({
                type: 'png',
                data: await trendPng(m),
                transformation: { width: 600, height: 244 },
                altText: { name: 'chart', title: 'Diễn biến', description: 'Diễn biến tổng điểm và các nhóm chỉ số' },
              }),
            ],
          }),
        );
        break;
      case 'signature':
        children.push(signatureTable(b));
        break;
      case 'pagebreak':
        children.push(new Paragraph({ children: [new PageBreak()] }));
        break;
    }
  }
  const heading = {
    run: { font: FONT, size: BODY, bold: true, color: '000000' },
    paragraph: { spacing: { before: 120, after: 120 } },
  };
  const doc = new Document({
    creator: 'chiso766',
    title: m.title,
    description: 'Dự thảo thông báo kết quả Bộ chỉ số 766',
    styles: {
      default: { document: { run: { font: FONT, size: BODY } }, heading1: heading, heading2: heading },
    },
    sections: [
      {
        // Page numbers from page 2, centred at the top (the first page has none).
        properties: { titlePage: true, page: { size: { width: 11906, height: 16838 }, margin: MARGIN } },
        headers: {
          first: new Header({ children: [new Paragraph({ children: [] })] }),
          default: new Header({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ font: FONT, size: FRAME, children: [PageNumber.CURRENT] })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
