/** Placeholder until the download API and simulator land: prints a parsed time. */
import { formatIsoNs, parseIsoNs } from '../src/index.js';

console.log(formatIsoNs(parseIsoNs('2024-01-01T10:30:00Z')));
