/**
 * What provision prints: one line per resource as it is checked or changed, then a summary that
 * says whether anything changed and what is left to the operator. The marks follow wrangler's:
 * ✓ there already, + created (or applied), ~ an id written, ? not checked, ✗ the operator's to do,
 * • worth knowing.
 */
export class Report {
  /** @param {(line: string) => void} out @param {boolean} dryRun */
  constructor(out, dryRun) {
    this.out = out;
    this.dryRun = dryRun;
    this.created = 0;
    this.written = 0;
    this.applied = 0;
    this.unchecked = 0;
    /** @type {string[]} */
    this.todo = [];
  }

  ok(text) {
    this.out(`✓ ${text}`);
  }

  /** A resource created, or one a dry run would create. */
  create(text) {
    this.created += 1;
    this.out(`+ ${text}`);
  }

  /** An id written to the config, or one a dry run would write. */
  write(text) {
    this.written += 1;
    this.out(`~ ${text}`);
  }

  /** `count` migrations applied, or that a dry run would apply. */
  apply(count, text) {
    this.applied += count;
    this.out(`+ ${text}`);
  }

  /** Something a listing could not tell (dry run only: a real run stops instead). */
  unknown(text) {
    this.unchecked += 1;
    this.out(`? ${text}`);
  }

  note(text) {
    this.out(`• ${text}`);
  }

  /** Something only the operator can do; `fix` says how, in the summary. */
  missing(text, fix) {
    this.out(`✗ ${text}`);
    this.todo.push(fix);
  }

  /** Prints the summary; returns the exit code. */
  finish() {
    const changes = this.created + this.written + this.applied;
    this.out('');
    if (this.dryRun) {
      if (changes === 0 && this.unchecked === 0) this.out('Dry run: nothing to do; nothing was changed.');
      else {
        const unchecked = this.unchecked === 0 ? '' : ` (${plural(this.unchecked, 'thing')} not checked, planned as missing)`;
        this.out(`Dry run: would create ${plural(this.created, 'resource')}, write ${plural(this.written, 'id')} and apply ${plural(this.applied, 'D1 migration')}${unchecked}; nothing was changed.`);
      }
    } else if (changes === 0) {
      this.out('Nothing to do: everything the config binds exists, its ids are written and the D1 migrations are applied.');
    } else {
      this.out(`Done: created ${plural(this.created, 'resource')}, wrote ${plural(this.written, 'id')}, applied ${plural(this.applied, 'D1 migration')}.`);
    }
    if (this.todo.length > 0) {
      this.out('Left to you before `npm run deploy`:');
      for (const fix of this.todo) this.out(`  ✗ ${fix}`);
      return this.dryRun ? 0 : 1;
    }
    if (!this.dryRun) this.out('Next: npm run deploy');
    return 0;
  }
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
