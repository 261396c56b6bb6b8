/**
 * Re-derives the verdicts and findings of bench/results/latest.json from its results and renders
 * latest.md again (after a change to the report's layout or findings; no scenario runs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findings, judge, writeReport, type BenchReport } from './report';
import { ROOT } from './systems';

const dir = process.argv[2] ?? join(ROOT, 'bench', 'results');
const report = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchReport;
report.targets = judge(report.results);
report.findings = findings(report.results, report.targets);
writeReport(dir, report);
