/**
 * `hasp` at the head of a pipeline whose reader goes away (`hasp --help | head -1`, `hasp events
 * tail --json | head -1`): the CLI exits 0 without a word on stderr, as any Unix filter does, instead
 * of dying of EPIPE with a stack trace. Run as child processes (cli/bin.mjs), since only a real
 * process has a stdout to close; the tail reads a local server answering as the control API does.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLONE_BIN, startFakeApi, until, type FakeApi } from './helpers/cli-process';

const TOKEN = 'hasp_unit_token_0123456789abcdef';

/** A feed that has one more event at every poll, so the tail never runs out of lines to write. */
let api: FakeApi;
let polls = 0;

beforeAll(async () => {
  api = await startFakeApi((request) => {
    if (!request.url.startsWith('/v1/feed')) return { status: 404, body: { code: 'not-found', status: 404, detail: 'not here' } };
    polls += 1;
    const event = { id: `evt_${polls}`, webhook_id: 'wh_1', status: 'accepted', received_at: new Date().toISOString(), runs: [] };
    return { status: 200, body: { data: [{ cursor: String(polls), kind: 'event', event }], has_more: false, next_cursor: String(polls) } };
  });
});

afterAll(async () => {
  await api.close();
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs `hasp args` and closes the reading end of its stdout once `linesBeforeClose` lines arrived
 * (0: before it writes anything), as `head` does when it has read enough.
 */
function runUntilReaderLeaves(args: string[], linesBeforeClose: number): Promise<Ended> {
  const child = spawn('node', [CLONE_BIN, ...args], {
    env: { ...process.env, HASP_API_URL: api.url, HASP_API_TOKEN: TOKEN, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let lines = 0;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const leave = () => child.stdout.destroy();
  if (linesBeforeClose === 0) leave();
  else
    child.stdout.on('data', (chunk: Buffer) => {
      lines += chunk.toString().split('\n').length - 1;
      if (lines >= linesBeforeClose) leave();
    });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}

describe('a closed pipe', () => {
  it('ends `hasp --help | head -1` with exit 0 and nothing on stderr', async () => {
    const ended = await runUntilReaderLeaves(['--help'], 0);
    expect(ended).toEqual({ code: 0, signal: null, stderr: '' });
  }, 30_000);

  it('ends `hasp events tail --json | head -1` with exit 0 and no error, while the tail still had lines to write', async () => {
    const before = polls;
    const ended = runUntilReaderLeaves(['events', 'tail', '--json', '--interval', '100'], 1);
    // The reader left after the first line; the tail went on polling and writing into the closed pipe.
    await until(() => polls > before + 1, 'the tail polling on', 20_000);
    const { code, signal, stderr } = await ended;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(stderr).not.toMatch(/EPIPE|Error/);
  }, 30_000);
});
