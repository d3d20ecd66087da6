/**
 * `hasp` as a person runs it: `node cli/bin.mjs …` as a child process (what `npm exec hasp` runs in
 * a clone), or an installed bin; what an in-process command writes to stdout or stderr; and a local
 * server answering as the control API does, for what a dev server cannot produce on demand.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';

/** The CLI as a clone runs it, through tsx. */
export const CLONE_BIN = join(process.cwd(), 'cli', 'bin.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Everything but the arguments: the command that starts `hasp` (default: the clone's bin under node). */
export interface RunOptions {
  command?: readonly string[];
  cwd?: string;
}

/** Runs the CLI with `env` over this process's (an undefined value unsets a variable), colours off. */
export function runHasp(args: string[], env: Record<string, string | undefined>, input?: string, opts: RunOptions = {}): Promise<CliRun> {
  const [file = 'node', ...leading] = opts.command ?? ['node', CLONE_BIN];
  return new Promise((resolve) => {
    const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
    const child = execFile(file, [...leading, ...args], { env: merged as NodeJS.ProcessEnv, cwd: opts.cwd, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

/** Everything written to `stream` from now on, kept from the terminal (vitest restores the spy). */
export function captured(stream: 'stdout' | 'stderr'): { text: () => string } {
  let text = '';
  vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  return { text: () => text };
}

export interface CannedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface AskedRequest {
  method: string;
  url: string;
  body: string;
}

export interface FakeApi {
  /** Its base URL, as HASP_API_URL takes it. */
  url: string;
  /** Every request, in order. */
  asked: AskedRequest[];
  /** Answers given in order; once they run out, the fallback answers. */
  answers: CannedAnswer[];
  close: () => Promise<void>;
}

const NO_ANSWER: CannedAnswer = { status: 500, body: { detail: 'no canned answer' } };

/** A server on a free port answering as the control API does, from `answers` and then `fallback`. */
export async function startFakeApi(fallback: (request: AskedRequest) => CannedAnswer = () => NO_ANSWER): Promise<FakeApi> {
  const asked: AskedRequest[] = [];
  const answers: CannedAnswer[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', body };
      asked.push(request);
      const answer = answers.shift() ?? fallback(request);
      const type = answer.status >= 400 ? 'application/problem+json' : 'application/json';
      res.writeHead(answer.status, { 'content-type': type, ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    answers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * One fake API for a test file: started before its tests and closed after them; after each test
 * its canned answers and the requests it saw are emptied, and mocks are restored.
 */
export function useFakeApi(): FakeApi {
  const api: FakeApi = { url: '', asked: [], answers: [], close: async () => undefined };
  beforeAll(async () => {
    Object.assign(api, await startFakeApi());
  });
  afterAll(async () => {
    await api.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    api.answers.splice(0);
    api.asked.splice(0);
  });
  return api;
}

/** Polls `what` every 50 ms until it holds; throws after `ms` with `label`. */
export async function until(what: () => boolean | Promise<boolean>, label: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
