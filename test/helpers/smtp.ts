/** A real SMTP server on loopback (smtp-server, STARTTLS off) that keeps what it receives. */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface Received {
  raw: string;
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
}

export interface Sink {
  url: string;
  received: Received[];
  /** Answer the next `n` messages with this SMTP error code at the end of DATA. */
  failNext(n: number, code: number, message?: string): void;
  close(): Promise<void>;
}

/** On `port` when given (e.g. one that refused connections until now), else on a free one. */
export async function startSmtpSink(port = 0): Promise<Sink> {
  const received: Received[] = [];
  let failures: { left: number; code: number; message: string } = { left: 0, code: 451, message: '' };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => {
        if (failures.left > 0) {
          failures.left--;
          return callback(
            Object.assign(new Error(failures.message || 'Try again later'), { responseCode: failures.code }),
          );
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((parsed) => {
          received.push({
            raw,
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            parsed,
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${bound}?tls=off`,
    received,
    failNext: (n, code, message = '') => (failures = { left: n, code, message }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
