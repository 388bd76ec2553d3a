export async function benchScale(_url: string, _redis: string, _o: { provinces?: string[]; scale?: number } = {}) {
  return {};
}
