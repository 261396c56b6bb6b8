/** Re-renders bench/results/latest.md from latest.json (after a change to the report's layout). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdown, type BenchReport } from './report';
import { ROOT } from './systems';

const dir = process.argv[2] ?? join(ROOT, 'bench', 'results');
const report = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchReport;
writeFileSync(join(dir, 'latest.md'), markdown(report));
