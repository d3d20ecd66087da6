import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withPresetTable } from '../../scripts/preset-table';
import { PRESET_NAMES } from '../../shared/signatures/presets';

describe('README presets table', () => {
  it('is what shared/signatures/presets.ts renders (run `npm run docs:presets` after changing a preset)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(withPresetTable(readme)).toBe(readme);
    for (const name of PRESET_NAMES) expect(readme).toContain(`| \`${name}\` |`);
  });
});
