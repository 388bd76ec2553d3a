/** Is a process alive? (Used for the PGlite lock and for the servers `src/services` starts.) */
import { readFileSync } from 'node:fs';

export function processAlive(pid: number): boolean {
  try {
    // A zombie still answers kill -0; /proc tells the truth on Linux.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}
