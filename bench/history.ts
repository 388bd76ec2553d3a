export async function benchHistory(_url: string, _o: { weeks?: number; scale?: number } = {}) {
  return {};
}
