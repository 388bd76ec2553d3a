/** The bulletin's blocks as Markdown, standalone HTML (inline CSS, printable A4) and DOCX. */
import { escapeHtml } from '../domain/wording.ts';
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { viDate, viNumber } from '../domain/format.ts';
import { trendPng, trendSvg } from './chart.ts';
import type { Block } from './document.ts';
import type { BulletinModel } from './model.ts';

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(m: BulletinModel, blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'title':
        out.push(`# ${b.text}`, '', `## ${b.subtitle}`, '');
        break;
      case 'heading':
        out.push(`### ${b.text}`, '');
        break;
      case 'paragraph':
        out.push(b.emphasis ? `*${b.text}*` : b.text, '');
        break;
      case 'list':
        out.push(...b.items.map((i) => `- ${i}`), '');
        break;
      case 'table': {
        out.push(
          `| ${b.headers.map(mdCell).join(' | ')} |`,
          `|${b.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`,
        );
        for (const r of b.rows)
          out.push(
            `| ${r.cells.map((c, i) => (r.highlight && i === 1 ? `**${mdCell(c)}**` : mdCell(c))).join(' | ')} |`,
          );
        out.push('');
        break;
      }
      case 'chart': {
        out.push(
          '| Ngày thu thập | Tổng | CKMB | TDGQ | CLGQ | TTTT | MDHL | MDSH |',
          '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        );
        for (const p of m.trend)
          out.push(
            `| ${viDate(p.capturedAt, m.timezone)} | ${['TOTAL', 'CKMB', 'TDGQ', 'CLGQ', 'TTTT', 'MDHL', 'MDSH'].map((c) => viNumber(p.values[c] ?? null)).join(' | ')} |`,
          );
        out.push('');
        break;
      }
    }
  }
  return out.join('\n');
}

const CSS = `@page{size:A4;margin:18mm 15mm}body{font-family:"Times New Roman",Times,serif;font-size:13pt;color:#111;max-width:190mm;margin:0 auto;padding:8mm}
h1{text-align:center;font-size:16pt;margin:0}h2{text-align:center;font-size:13pt;margin:4pt 0 12pt}h3{font-size:13pt;margin:14pt 0 6pt}
p{margin:4pt 0;text-align:justify}p.note{font-style:italic;color:#444}ul{margin:4pt 0 4pt 18pt;padding:0}
table{border-collapse:collapse;width:100%;margin:6pt 0;font-size:11pt;page-break-inside:auto}tr{page-break-inside:avoid}
th,td{border:1px solid #777;padding:2pt 4pt;vertical-align:top}th{background:#eef1f5}td.n{text-align:right;white-space:nowrap}
tr.fall td{background:#fde8e8}tr.low td{background:#fff4d6}.chart{margin:8pt 0}`;

export function renderHtml(m: BulletinModel, blocks: readonly Block[]): string {
  const body: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'title':
        body.push(`<h1>${escapeHtml(b.text)}</h1><h2>${escapeHtml(b.subtitle)}</h2>`);
        break;
      case 'heading':
        body.push(`<h3>${escapeHtml(b.text)}</h3>`);
        break;
      case 'paragraph':
        body.push(`<p${b.emphasis ? ' class="note"' : ''}>${escapeHtml(b.text)}</p>`);
        break;
      case 'list':
        body.push(`<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`);
        break;
      case 'table':
        body.push(
          `<table>${b.widths ? `<colgroup>${b.widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>` : ''}<thead><tr>${b.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
            b.rows
              .map(
                (r) =>
                  `<tr${r.highlight ? ` class="${r.highlight}"` : ''}>${r.cells.map((c, i) => `<td${b.numeric[i] ? ' class="n"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
              )
              .join('') +
            '</tbody></table>',
        );
        break;
      case 'chart':
        body.push(`<div class="chart">${trendSvg(m)}</div>`);
        break;
    }
  }
  return `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(m.title)}</title><style>${CSS}</style></head><body>${body.join('\n')}</body></html>\n`;
}

const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '777777' };
const FILL: Record<string, string> = { fall: 'FDE8E8', low: 'FFF4D6' };

function docxTable(b: Extract<Block, { type: 'table' }>): Table {
  // Text width of an A4 page with our margins, in twentieths of a point.
  const total = 9920;
  const widths = (b.widths ?? b.headers.map(() => 100 / b.headers.length)).map((w) => Math.round((w / 100) * total));
  const cell = (text: string, opts: { header?: boolean; numeric?: boolean; fill?: string; width: number }) =>
    new TableCell({
      width: { size: opts.width, type: WidthType.DXA },
      borders: { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER },
      shading: opts.header
        ? { type: ShadingType.CLEAR, color: 'auto', fill: 'EEF1F5' }
        : opts.fill
          ? { type: ShadingType.CLEAR, color: 'auto', fill: opts.fill }
          : undefined,
      children: [
        new Paragraph({
          alignment: opts.numeric ? AlignmentType.RIGHT : AlignmentType.LEFT,
          children: [new TextRun({ text, bold: opts.header, size: 22 })],
        }),
      ],
    });
  return new Table({
    width: { size: total, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({
        tableHeader: true,
        children: b.headers.map((h, i) => cell(h, { header: true, width: widths[i]! })),
      }),
      ...b.rows.map(
        (r) =>
          new TableRow({
            children: r.cells.map((c, i) =>
              cell(c, { numeric: b.numeric[i], fill: r.highlight ? FILL[r.highlight] : undefined, width: widths[i]! }),
            ),
          }),
      ),
    ],
  });
}

export async function renderDocx(m: BulletinModel, blocks: readonly Block[]): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'title':
        children.push(
          new Paragraph({
            heading: HeadingLevel.TITLE,
            alignment: AlignmentType.CENTER,
            children: [new TextRun({ text: b.text, bold: true })],
          }),
        );
        children.push(
          new Paragraph({
            heading: HeadingLevel.HEADING_1,
            alignment: AlignmentType.CENTER,
            children: [new TextRun({ text: b.subtitle })],
          }),
        );
        break;
      case 'heading':
        children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun({ text: b.text })] }));
        break;
      case 'paragraph':
        children.push(
          new Paragraph({
            alignment: AlignmentType.JUSTIFIED,
            children: [new TextRun({ text: b.text, italics: b.emphasis })],
          }),
        );
        break;
      case 'list':
        for (const i of b.items)
          children.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text: i })] }));
        break;
      case 'table':
        children.push(docxTable(b));
        children.push(new Paragraph({ children: [] }));
        break;
      case 'chart':
        children.push(
          new Paragraph({
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
    }
  }
  const doc = new Document({
    creator: 'chiso766',
    title: m.title,
    description: 'Dự thảo thông báo kết quả Bộ chỉ số 766',
    styles: { default: { document: { run: { font: 'Times New Roman', size: 26 } } } },
    sections: [
      {
        properties: {
          page: { size: { width: 11906, height: 16838 }, margin: { top: 1020, bottom: 1020, left: 1134, right: 850 } },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
