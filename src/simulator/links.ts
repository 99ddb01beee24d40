// Links point at VirusTotal itself, as the real API's do; the simulator never names its own address.
const VT_API_BASE = 'https://www.virustotal.com/api/v3';

export function apiUrl(...segments: string[]): string {
  return `${VT_API_BASE}/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}
