/** Where the shipped reference data lives (the repository's data/ folder, not the runtime data dir). */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository's shipped data folder (data/sutras, data/terms). */
export const SHIPPED_DATA_DIR = process.env.LOTUSDESK_SHIPPED_DATA_DIR ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'data');
