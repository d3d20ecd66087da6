/** Rewrites the presets block of README.md from the preset rows (shared/signatures/presets.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { withPresetTable } from './preset-table';

writeFileSync('README.md', withPresetTable(readFileSync('README.md', 'utf8')));
