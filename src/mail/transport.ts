/**
 * Where e-mails go: SMTP through a pooled nodemailer transport (SMTP_URL), or `.eml` files in
 * `$CHISO766_DATA_DIR/outbox/` when SMTP_URL is unset (open them in any mail client).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config/load.ts';
import type { MailAttachment } from '../db/types.ts';

export interface OutgoingMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  html: string;
  text: string;
  /** Deterministic, so a duplicate delivery is recognisable by the receiving side. */
  messageId: string;
  headers?: Record<string, string>;
  attachments?: readonly MailAttachment[];
}

export interface DeliveryResult {
  outcome: 'sent' | 'temporary' | 'permanent';
  transport: 'smtp' | 'file';
  messageId: string | null;
  response: string;
}

const pools = new Map<string, Transporter>();

function smtpTransport(url: string): Transporter {
  let t = pools.get(url);
  if (!t) {
    const u = new URL(url);
    t = nodemailer.createTransport({
      pool: true,
      maxConnections: 2,
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)),
      secure: u.protocol === 'smtps:',
      auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
      // ?tls=off for relays without STARTTLS (e.g. a loopback sink); default: STARTTLS when offered.
      ignoreTLS: u.searchParams.get('tls') === 'off',
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    });
    pools.set(url, t);
  }
  return t;
}

export function closeTransports(): void {
  for (const t of pools.values()) t.close();
  pools.clear();
}

/** 4xx and network errors are temporary (retry); 5xx is a permanent refusal (tell ops). */
function classifySmtpError(e: unknown): { outcome: 'temporary' | 'permanent'; response: string } {
  const err = e as { responseCode?: number; response?: string; code?: string; message?: string };
  const response = err.response ?? `${err.code ?? 'ERROR'} ${err.message ?? String(e)}`;
  if (typeof err.responseCode === 'number' && err.responseCode >= 500) return { outcome: 'permanent', response };
  return { outcome: 'temporary', response };
}

function safeFileName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

export async function deliver(config: Config, mail: OutgoingMail, fileStem: string): Promise<DeliveryResult> {
  const message = {
    from: mail.from,
    to: mail.to,
    cc: mail.cc.length ? mail.cc : undefined,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    messageId: mail.messageId,
    headers: mail.headers,
    attachments: mail.attachments?.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.content, 'base64'),
    })),
  };
  if (!config.env.smtpUrl) {
    const build = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const info = await build.sendMail(message);
    const dir = path.join(config.env.dataDir, 'outbox');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${safeFileName(fileStem)}.eml`);
    writeFileSync(file, info.message as Buffer);
    return {
      outcome: 'sent',
      transport: 'file',
      messageId: info.messageId ?? mail.messageId,
      response: `written to ${file}`,
    };
  }
  try {
    const info = await smtpTransport(config.env.smtpUrl).sendMail(message);
    return {
      outcome: 'sent',
      transport: 'smtp',
      messageId: info.messageId ?? mail.messageId,
      response: info.response ?? 'accepted',
    };
  } catch (e) {
    return { transport: 'smtp', messageId: null, ...classifySmtpError(e) };
  }
}
