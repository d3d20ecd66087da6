/**
 * Slugs derived from names of every length: the first free one is found without a LIKE pattern,
 * which D1 refuses past 50 bytes (a 49-character base answered 500).
 */
import { describe, expect, it } from 'vitest';
import { SLUG_MAX, SLUG_PATTERN } from '../../shared/control/slug';
import { api, apiProblem, createWebhookViaApi, errorPaths, type WebhookBody } from '../helpers/control-api';
import { createProject } from '../helpers/fixtures';

/** NameSchema's maximum, in characters. */
const NAME_MAX = 200;
const WORDS = 'Patient chart updated in the EHR system ';

function nameOfLength(length: number): string {
  return WORDS.repeat(Math.ceil(length / WORDS.length)).slice(0, length);
}

describe('slugs derived from names of every length', () => {
  it('Should create every name length from 1 to the maximum twice, each with a distinct valid slug', async () => {
    const project = await createProject();
    const slugs = new Set<string>();
    for (let length = 1; length <= NAME_MAX; length++) {
      const name = nameOfLength(length);
      for (let copy = 0; copy < 2; copy++) {
        const response = await api<WebhookBody>(project.token, 'POST', '/v1/webhooks', { name });
        expect(response.status, `name of ${length} characters, copy ${copy + 1}`).toBe(201);
        const { slug } = response.body;
        expect(slug.length).toBeLessThanOrEqual(SLUG_MAX);
        expect(slug).toMatch(SLUG_PATTERN);
        expect(slugs.has(slug), `slug ${slug} given twice`).toBe(false);
        slugs.add(slug);
      }
    }
  });

  it('Should refuse a name one character over the maximum with a 400 naming the field', async () => {
    const project = await createProject();
    const response = await apiProblem(project.token, 'POST', '/v1/webhooks', { name: nameOfLength(NAME_MAX + 1) });
    expect(response.status).toBe(400);
    expect(errorPaths(response.body)).toEqual(['/name']);
  });

  it('Should give the longest base the suffixes -2, -3 and then -10, within the slug maximum', async () => {
    const project = await createProject();
    const name = 'x'.repeat(NAME_MAX);
    const first = await createWebhookViaApi(project.token, { name });
    const base = first.slug;
    expect(base.length).toBeGreaterThanOrEqual(49);
    const next: string[] = [];
    for (let n = 2; n <= 10; n++) next.push((await createWebhookViaApi(project.token, { name })).slug);
    expect(next).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `${base}-${n}`));
    for (const slug of next) expect(slug.length).toBeLessThanOrEqual(SLUG_MAX);
  });

  it('Should not count a slug that only starts with the base as taken', async () => {
    const project = await createProject();
    const base = 'y'.repeat(55);
    await createWebhookViaApi(project.token, { name: 'Other', slug: `${base}-extra` });
    await createWebhookViaApi(project.token, { name: 'Other', slug: `${base}0` });
    expect((await createWebhookViaApi(project.token, { name: base })).slug).toBe(base);
    expect((await createWebhookViaApi(project.token, { name: base })).slug).toBe(`${base}-2`);
  });
});
