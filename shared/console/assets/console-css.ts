/**
 * The console's stylesheet, served as /assets/console.css (no inline styles: the CSP forbids them).
 * Colours keep at least 4.5:1 contrast on their backgrounds (WCAG AA for text). The resource view's
 * rules are its own module's (G2's components/webhook), appended here so there is one stylesheet.
 */
import { DOMAINS_CSS } from '../components/domains/domains-css';
import { ISSUES_CSS } from '../components/issues/issues-css';
import { WEBHOOK_VIEW_CSS } from '../components/webhook/webhook-view-css';
import { WORKFLOWS_CSS } from '../components/workflows/workflows-css';

export const CONSOLE_CSS = `
:root { color-scheme: light; --ink: #111827; --muted: #4b5563; --line: #d1d5db; --accent: #1d4ed8;
  --bad: #991b1b; --bad-bg: #fef2f2; --ok: #166534; --ok-bg: #f0fdf4; --warn: #92400e; --warn-bg: #fffbeb; }
* { box-sizing: border-box; }
/* The hidden attribute must win over a display rule (buttons are inline-block): copy buttons stay hidden without script. */
[hidden] { display: none !important; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 10; }
header.site { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); }
header.site .brand { font-weight: 700; text-decoration: none; color: var(--ink); }
header.site nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.site nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
header.site .who { margin-left: auto; display: flex; gap: .75rem; align-items: center; color: var(--muted); }
main { padding: 1.5rem; max-width: 72rem; }
footer.site { padding: 1rem 1.5rem; color: var(--muted); border-top: 1px solid var(--line); font-size: .875rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
pre { background: #f3f4f6; padding: .75rem; overflow: auto; border-radius: 4px; }
.muted { color: var(--muted); }
.flash { padding: .75rem 1rem; border-radius: 4px; margin: 0 0 1rem; border: 1px solid; }
.flash.notice { color: var(--ok); background: var(--ok-bg); border-color: var(--ok); }
.flash.error, .problem { color: var(--bad); background: var(--bad-bg); border: 1px solid var(--bad); padding: .75rem 1rem; border-radius: 4px; margin: 0 0 1rem; }
.problem h2, .problem h3 { margin-top: 0; font-size: 1.1rem; }
.warning { color: var(--warn); background: var(--warn-bg); border: 1px solid var(--warn); padding: .75rem 1rem; border-radius: 4px; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 999px; border: 1px solid currentColor; font-size: .85rem; }
.badge.bad { color: var(--bad); }
.badge.ok { color: var(--ok); }
.badge.off { color: var(--muted); }
form.stack { display: grid; gap: 1rem; max-width: 48rem; }
form.stack label, .field label { font-weight: 600; display: block; }
.hint { color: var(--muted); font-size: .9rem; margin: .25rem 0 0; }
input[type="text"], input[type="password"], select, textarea { width: 100%; padding: .5rem; border: 1px solid #6b7280; border-radius: 4px; font: inherit; }
textarea { min-height: 6rem; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
button, .button { font: inherit; padding: .45rem .9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: var(--accent); }
button.link { background: none; border: none; color: var(--accent); text-decoration: underline; padding: 0; }
button.danger { background: var(--bad); border-color: var(--bad); }
.secret-once { border: 2px solid var(--warn); background: var(--warn-bg); padding: 1rem; border-radius: 4px; }
.copyable { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
.copyable code { word-break: break-all; }
ul.errors { margin: .5rem 0 0; padding-left: 1.25rem; }
/* Long ids, URLs and JSON pointers break rather than push the page sideways on a phone. */
code, .mono { overflow-wrap: anywhere; }
td, th, dd, li, p { overflow-wrap: break-word; }
pre { max-width: 100%; }
@media (max-width: 40rem) {
  header.site, main, footer.site { padding-left: 1rem; padding-right: 1rem; }
  header.site .who { margin-left: 0; }
  th, td { padding: .4rem .3rem; }
  /* A table wider than the phone scrolls inside its own box, never the page; relative, so the
     visually hidden labels in its cells (absolutely positioned) are clipped by that box too. A
     table with no link or button of its own carries tabindex="0", so a keyboard can scroll it. */
  table { display: block; overflow-x: auto; max-width: 100%; position: relative; }
  input[type="number"] { width: 100%; }
}
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
` + WEBHOOK_VIEW_CSS + DOMAINS_CSS + WORKFLOWS_CSS + ISSUES_CSS;
